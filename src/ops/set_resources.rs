//! Set a container's memory and CPU limits and requests: each value checked (quantity
//! syntax, memory in whole bytes, request ≤ limit against the merged result), then one
//! server-side apply with field manager `agentdeck` (forced: raising a limit means taking
//! it over), whose dry run must change nothing but those values. The apply sends what
//! agentdeck applied before, as it is live (see `extract`), so fields an earlier deploy set
//! are not dropped; only the values given are added to it.

use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};

use super::target::WorkloadRef;
use super::value_diff::{self, FieldChange};
use super::{Access, FIELD_MANAGER, OpError, Ops, extract, restart};
use crate::quantity::parse_quantity;

const MI: f64 = 1024.0 * 1024.0;

/// One of the four values a container's resources have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    MemoryLimit,
    MemoryRequest,
    CpuLimit,
    CpuRequest,
}

impl Field {
    pub const ALL: [Field; 4] = [
        Field::MemoryLimit,
        Field::MemoryRequest,
        Field::CpuLimit,
        Field::CpuRequest,
    ];

    /// "memory limit"
    pub fn words(self) -> &'static str {
        match self {
            Field::MemoryLimit => "memory limit",
            Field::MemoryRequest => "memory request",
            Field::CpuLimit => "cpu limit",
            Field::CpuRequest => "cpu request",
        }
    }

    /// "--memory-limit"
    pub fn flag(self) -> &'static str {
        match self {
            Field::MemoryLimit => "--memory-limit",
            Field::MemoryRequest => "--memory-request",
            Field::CpuLimit => "--cpu-limit",
            Field::CpuRequest => "--cpu-request",
        }
    }

    /// "limits" or "requests", as in `resources`.
    pub fn section(self) -> &'static str {
        match self {
            Field::MemoryLimit | Field::CpuLimit => "limits",
            Field::MemoryRequest | Field::CpuRequest => "requests",
        }
    }

    /// "memory" or "cpu"
    pub fn resource(self) -> &'static str {
        match self {
            Field::MemoryLimit | Field::MemoryRequest => "memory",
            Field::CpuLimit | Field::CpuRequest => "cpu",
        }
    }

    fn is_memory(self) -> bool {
        self.resource() == "memory"
    }
}

/// One value given: its field, the live value (None: not set) and the new one.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    pub field: Field,
    pub from: Option<String>,
    pub to: String,
    /// Other field managers that own the value now; the forced apply takes it from them.
    pub taken_from: Vec<String>,
}

impl ResourceChange {
    /// "memory limit 2Gi → 3Gi", "… (taken over from flux)"
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} {} → {}",
            self.field.words(),
            self.from.as_deref().unwrap_or("(none)"),
            self.to
        );
        if !self.taken_from.is_empty() {
            s.push_str(&format!(
                " (taken over from {})",
                self.taken_from.join(", ")
            ));
        }
        s
    }
}

/// The fieldsV1 path of a container's resource value.
fn field_path(container: &str, f: Field) -> Vec<String> {
    let key = serde_json::to_string(&json!({ "name": container })).unwrap_or_default();
    let mut p: Vec<String> = ["f:spec", "f:template", "f:spec", "f:containers"]
        .map(String::from)
        .to_vec();
    p.push(format!("k:{key}"));
    p.push("f:resources".into());
    p.push(format!("f:{}", f.section()));
    p.push(format!("f:{}", f.resource()));
    p
}

/// What a set-resources will do (shown for confirmation).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcesPlan {
    pub workload: WorkloadRef,
    pub container: String,
    /// Values that change.
    pub changes: Vec<ResourceChange>,
    /// Values given that are already live.
    pub unchanged: Vec<ResourceChange>,
    /// Follow the rollout after the write.
    pub wait: bool,
    /// The apply configuration sent.
    pub patch: Value,
    /// The fields the server's dry run changes, with values.
    pub diff: Vec<FieldChange>,
}

impl ResourcesPlan {
    /// The confirmation question; `place` names the namespace and context.
    pub fn describe(&self, place: &str) -> String {
        if self.changes.is_empty() {
            return self.nothing_to_do(place);
        }
        let lines: Vec<String> = self.changes.iter().map(ResourceChange::line).collect();
        format!(
            "set resources of {}, container {}, in {place} (server-side apply, field manager {FIELD_MANAGER}): {}{}",
            self.workload.words(),
            self.container,
            lines.join(", "),
            if self.wait {
                "; then follow the rollout"
            } else {
                ""
            }
        )
    }

    /// What is said when every value given is already live.
    pub fn nothing_to_do(&self, place: &str) -> String {
        let lines: Vec<String> = self
            .unchanged
            .iter()
            .map(|c| format!("{} {}", c.field.words(), c.to))
            .collect();
        format!(
            "nothing to do: {}, container {}, in {place} already has {}",
            self.workload.words(),
            self.container,
            lines.join(", ")
        )
    }

    /// The plan's lines: each change, each unchanged value, the dry run's field changes.
    pub fn details(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .changes
            .iter()
            .map(|c| format!("  {}", c.line()))
            .collect();
        out.extend(
            self.unchanged
                .iter()
                .map(|c| format!("  {} {} (unchanged)", c.field.words(), c.to)),
        );
        out.extend(self.diff.iter().map(|d| format!("    {}", d.line())));
        out
    }
}

/// A value typed by a person, checked: a quantity, more than 0; memory in whole bytes and
/// at least 1Mi; CPU at least 1m. Returns it trimmed, with its number.
pub fn check_value(field: Field, s: &str) -> Result<(String, f64), OpError> {
    let (flag, t) = (field.flag(), s.trim());
    let example = if field.is_memory() {
        "3Gi or 2048Mi"
    } else {
        "500m or 1.5"
    };
    let v = parse_quantity(t)
        .map_err(|e| OpError::Invalid(format!("{flag} {t:?}: {e}; give e.g. {example}")))?;
    if v <= 0.0 {
        return Err(OpError::Invalid(format!(
            "{flag} {t:?}: must be more than 0; give e.g. {example}"
        )));
    }
    if field.is_memory() {
        if t.ends_with(['m', 'u', 'n']) || v.fract() != 0.0 {
            return Err(OpError::Invalid(format!(
                "{flag} {t:?} is a fraction of a byte (for memory, m means milli, not mega); give e.g. {example}"
            )));
        }
        if v < MI {
            return Err(OpError::Invalid(format!(
                "{flag} {t:?} is only {v} bytes; did you mean {t}Gi or {t}Mi?"
            )));
        }
    } else if v < 1e-3 {
        return Err(OpError::Invalid(format!(
            "{flag} {t:?}: the smallest CPU amount is 1m; give e.g. {example}"
        )));
    }
    Ok((t.to_string(), v))
}

/// The values given, each checked; at least one.
pub fn check_values(given: [Option<&str>; 4]) -> Result<Vec<(Field, String, f64)>, OpError> {
    let mut out = Vec::new();
    for (field, v) in Field::ALL.into_iter().zip(given) {
        if let Some(v) = v {
            let (s, n) = check_value(field, v)?;
            out.push((field, s, n));
        }
    }
    if out.is_empty() {
        return Err(OpError::Invalid(
            "nothing to set: give at least one of --memory-limit, --memory-request, --cpu-limit, --cpu-request (e.g. --memory-limit 3Gi)".into(),
        ));
    }
    Ok(out)
}

/// The container meant: the one named, or the only one.
pub fn choose_container(
    w: &WorkloadRef,
    names: &[String],
    wanted: Option<&str>,
) -> Result<String, OpError> {
    match (wanted, names) {
        (Some(c), _) if names.iter().any(|n| n == c) => Ok(c.to_string()),
        (Some(c), _) => Err(OpError::Invalid(format!(
            "{} has no container {c:?}; its containers: {}",
            w.words(),
            names.join(", ")
        ))),
        (None, [only]) => Ok(only.clone()),
        (None, []) => Err(OpError::Invalid(format!("{} has no containers", w.words()))),
        (None, _) => Err(OpError::Invalid(format!(
            "{} has {} containers ({}): choose one with --container",
            w.words(),
            names.len(),
            names.join(", ")
        ))),
    }
}

/// A request more than its limit, in the merged result (given values over live ones), is
/// refused naming both and where each comes from.
pub fn check_request_within_limit(
    given: &[(Field, String, f64)],
    live: &Value,
) -> Result<(), OpError> {
    let value = |f: Field| -> Option<(String, f64, &'static str)> {
        match given.iter().find(|(g, _, _)| *g == f) {
            Some((_, s, n)) => Some((s.clone(), *n, f.flag())),
            None => {
                let s = live[f.section()][f.resource()].as_str()?;
                Some((s.to_string(), parse_quantity(s).ok()?, "live"))
            }
        }
    };
    for (limit, request) in [
        (Field::MemoryLimit, Field::MemoryRequest),
        (Field::CpuLimit, Field::CpuRequest),
    ] {
        if let (Some((ls, lv, lfrom)), Some((rs, rv, rfrom))) = (value(limit), value(request))
            && rv > lv
        {
            return Err(OpError::Invalid(format!(
                "{} {rs} ({rfrom}) is more than the {} {ls} ({lfrom}): a request may not exceed its limit; raise {} or lower {}",
                request.words(),
                limit.words(),
                limit.flag(),
                request.flag()
            )));
        }
    }
    Ok(())
}

/// The apply configuration: what agentdeck applied before (as it is live), the workload's
/// identity, and the given values on the container.
pub fn apply_config(
    live: &Value,
    w: &WorkloadRef,
    namespace: &str,
    container: &str,
    given: &[(Field, String, f64)],
) -> Value {
    let mut body = extract::applied_by(live, FIELD_MANAGER)
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    body["apiVersion"] = json!("apps/v1");
    body["kind"] = json!(w.kind.name());
    body["metadata"]["name"] = json!(w.name);
    body["metadata"]["namespace"] = json!(namespace);
    let list = &mut body["spec"]["template"]["spec"]["containers"];
    if !list.is_array() {
        *list = json!([]);
    }
    if let Value::Array(items) = list {
        let i = match items.iter().position(|c| c["name"] == container) {
            Some(i) => i,
            None => {
                items.push(json!({"name": container}));
                items.len() - 1
            }
        };
        for (f, s, _) in given {
            items[i]["resources"][f.section()][f.resource()] = json!(s);
        }
    }
    body
}

/// Read the workload, choose the container, check the values, RBAC, and dry-run the apply.
pub async fn plan(
    ops: &Ops,
    w: &WorkloadRef,
    container: Option<&str>,
    given: [Option<&str>; 4],
    wait: bool,
) -> Result<ResourcesPlan, OpError> {
    let given = check_values(given)?;
    let live = serde_json::to_value(w.get(ops).await?)
        .map_err(|e| OpError::Failed(format!("reading {}: {e}", w.words())))?;
    let containers = live
        .pointer("/spec/template/spec/containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names: Vec<String> = containers
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();
    let container = choose_container(w, &names, container)?;
    let index = names.iter().position(|n| *n == container).unwrap_or(0);
    let live_res = containers
        .get(index)
        .map(|c| c["resources"].clone())
        .unwrap_or_default();
    check_request_within_limit(&given, &live_res)?;
    ops.check_access(&accesses(w)).await?;
    let (mut changes, mut unchanged) = (Vec::new(), Vec::new());
    for (f, s, n) in &given {
        let from = live_res[f.section()][f.resource()]
            .as_str()
            .map(str::to_string);
        let same = from.as_deref().and_then(|v| parse_quantity(v).ok()) == Some(*n);
        let c = ResourceChange {
            field: *f,
            from,
            to: s.clone(),
            taken_from: extract::other_owners(&live, FIELD_MANAGER, &field_path(&container, *f)),
        };
        if same { &mut unchanged } else { &mut changes }.push(c);
    }
    let patch = apply_config(&live, w, &ops.conn.namespace, &container, &given);
    let diff = if changes.is_empty() {
        Vec::new()
    } else {
        dry_run(ops, w, &live, &patch, index).await?
    };
    Ok(ResourcesPlan {
        workload: w.clone(),
        container,
        changes,
        unchanged,
        wait,
        patch,
        diff,
    })
}

fn params(dry_run: bool) -> PatchParams {
    let mut p = PatchParams::apply(FIELD_MANAGER).force();
    p.dry_run = dry_run;
    p
}

/// The server's dry run of the apply; it must change nothing but the container's resources
/// (a safety net: anything else is refused before it is sent).
async fn dry_run(
    ops: &Ops,
    w: &WorkloadRef,
    live: &Value,
    patch: &Value,
    index: usize,
) -> Result<Vec<FieldChange>, OpError> {
    let dry = w
        .api(ops)
        .patch(&w.name, &params(true), &Patch::Apply(patch))
        .await
        .map_err(|e| OpError::from_kube(&w.words(), e))?;
    let dry = serde_json::to_value(dry).unwrap_or_default();
    let diff = value_diff::changes(live, &dry);
    let ours = format!("spec.template.spec.containers[{index}].resources.");
    let other: Vec<&str> = diff
        .iter()
        .map(|d| d.path.as_str())
        .filter(|p| !p.starts_with(&ours))
        .collect();
    if !other.is_empty() {
        return Err(OpError::Failed(format!(
            "the apply would also change {} of {}; nothing was sent. Check the object with kubectl and retry",
            other.join(", "),
            w.words()
        )));
    }
    Ok(diff)
}

/// Carry out a confirmed plan; one audit line whatever the outcome.
pub async fn apply(ops: &Ops, plan: &ResourcesPlan) -> Result<String, OpError> {
    let result = apply_inner(ops, plan).await;
    ops.record("set-resources", &plan.workload.slash(), &result);
    result
}

async fn apply_inner(ops: &Ops, plan: &ResourcesPlan) -> Result<String, OpError> {
    let w = &plan.workload;
    w.api(ops)
        .patch(&w.name, &params(false), &Patch::Apply(&plan.patch))
        .await
        .map_err(|e| OpError::from_kube(&w.words(), e))?;
    let lines: Vec<String> = plan.changes.iter().map(ResourceChange::line).collect();
    Ok(format!(
        "{} container {}: {}",
        w.dotted(),
        plan.container,
        lines.join(", ")
    ))
}

#[cfg(test)]
#[path = "set_resources_tests.rs"]
mod tests;

/// What setting `w`'s resources needs: a patch of the workload (its pod template).
pub fn accesses(w: &WorkloadRef) -> Vec<Access> {
    restart::accesses(w)
}
