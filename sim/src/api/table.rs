//! The `meta.k8s.io/v1` Table envelope of a list, watch event or single object, as
//! kube-apiserver answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`: the
//! column definitions and each row's cells and conditions come from the [`printers`], the
//! row's object (None, PartialObjectMetadata or the whole object) from `includeObject`.
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::printers::{self, Printer};

/// The whole `meta.k8s.io/v1` Table for a list (or single object) response.
pub fn table(
    printer: Option<&Printer>,
    objs: &[&Value],
    resource_version: &str,
    continue_token: Option<&str>,
    now: Timestamp,
    include_object: &str,
) -> Value {
    let mut meta = Map::new();
    if !resource_version.is_empty() {
        meta.insert("resourceVersion".into(), resource_version.into());
    }
    if let Some(c) = continue_token.filter(|c| !c.is_empty()) {
        meta.insert("continue".into(), c.into());
    }
    let row = |o: &&Value| {
        let mut row = Map::new();
        row.insert("cells".into(), printers::cells(printer, o, now).into());
        if let Some(c) = printers::row_conditions(printer, o) {
            row.insert("conditions".into(), c);
        }
        let object = match include_object {
            "None" => None,
            "Object" => Some((*o).clone()),
            _ => Some(json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": o.get("metadata").cloned().unwrap_or_else(|| json!({})),
            })),
        };
        if let Some(object) = object {
            row.insert("object".into(), object);
        }
        Value::Object(row)
    };
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": printers::columns(printer),
        "rows": objs.iter().map(row).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
