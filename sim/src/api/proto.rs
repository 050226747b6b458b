//! Reading the Kubernetes protobuf wire format, for the bodies kubectl sends as protobuf:
//! `kubectl create` (1.33) posts ConfigMaps, Secrets, Namespaces, ServiceAccounts and
//! Deployments that way, and `auth can-i` (1.32+) its SelfSubjectAccessReview. A small
//! schema table (field number → JSON name and type, from the Kubernetes .proto files) turns
//! them into the JSON the rest of the server handles; unknown fields are skipped.

use serde_json::{Map, Value, json};

fn varint(b: &[u8], i: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i)?;
        *i += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// One field of a message: number, wire value.
pub enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

/// Every field of a message, in order; None when malformed.
pub fn fields(b: &[u8]) -> Option<Vec<(u64, Wire<'_>)>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let key = varint(b, &mut i)?;
        match key & 7 {
            0 => out.push((key >> 3, Wire::Varint(varint(b, &mut i)?))),
            1 => i = i.checked_add(8).filter(|e| *e <= b.len())?,
            5 => i = i.checked_add(4).filter(|e| *e <= b.len())?,
            2 => {
                let len = varint(b, &mut i)? as usize;
                let end = i.checked_add(len).filter(|e| *e <= b.len())?;
                out.push((key >> 3, Wire::Bytes(&b[i..end])));
                i = end;
            }
            _ => return None,
        }
    }
    Some(out)
}

fn bytes<'a>(fs: &[(u64, Wire<'a>)], n: u64) -> Option<&'a [u8]> {
    fs.iter().find_map(|(k, v)| match v {
        Wire::Bytes(b) if *k == n => Some(*b),
        _ => None,
    })
}

/// A string field of a message (empty when absent).
pub fn string(fs: &[(u64, Wire<'_>)], n: u64) -> String {
    bytes(fs, n)
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

/// The `k8s\0` envelope: (apiVersion, kind, raw message bytes).
pub fn envelope(body: &[u8]) -> Option<(String, String, &[u8])> {
    let inner = body.strip_prefix(b"k8s\0")?;
    let unknown = fields(inner)?;
    let tm = fields(bytes(&unknown, 1)?)?;
    Some((
        string(&tm, 1),
        string(&tm, 2),
        bytes(&unknown, 2).unwrap_or(&[]),
    ))
}

#[derive(Clone, Copy)]
enum T {
    Str,
    Int,
    Bool,
    Msg(&'static str),
    /// map<string,string>
    MapStr,
    /// map<string,bytes> as base64
    MapB64,
    /// map<string, Quantity>
    MapQty,
    RepStr,
    RepMsg(&'static str),
}

/// (message, field number, JSON name, type)
static SCHEMA: &[(&str, u64, &str, T)] = &[
    ("ObjectMeta", 1, "name", T::Str),
    ("ObjectMeta", 2, "generateName", T::Str),
    ("ObjectMeta", 3, "namespace", T::Str),
    ("ObjectMeta", 11, "labels", T::MapStr),
    ("ObjectMeta", 12, "annotations", T::MapStr),
    ("ConfigMap", 1, "metadata", T::Msg("ObjectMeta")),
    ("ConfigMap", 2, "data", T::MapStr),
    ("ConfigMap", 3, "binaryData", T::MapB64),
    ("ConfigMap", 4, "immutable", T::Bool),
    ("Secret", 1, "metadata", T::Msg("ObjectMeta")),
    ("Secret", 2, "data", T::MapB64),
    ("Secret", 3, "type", T::Str),
    ("Secret", 4, "stringData", T::MapStr),
    ("Secret", 5, "immutable", T::Bool),
    ("Namespace", 1, "metadata", T::Msg("ObjectMeta")),
    ("ServiceAccount", 1, "metadata", T::Msg("ObjectMeta")),
    ("Deployment", 1, "metadata", T::Msg("ObjectMeta")),
    ("Deployment", 2, "spec", T::Msg("DeploymentSpec")),
    ("DeploymentSpec", 1, "replicas", T::Int),
    ("DeploymentSpec", 2, "selector", T::Msg("LabelSelector")),
    ("DeploymentSpec", 3, "template", T::Msg("PodTemplateSpec")),
    ("DeploymentSpec", 5, "minReadySeconds", T::Int),
    ("DeploymentSpec", 6, "revisionHistoryLimit", T::Int),
    ("DeploymentSpec", 7, "paused", T::Bool),
    ("DeploymentSpec", 9, "progressDeadlineSeconds", T::Int),
    ("LabelSelector", 1, "matchLabels", T::MapStr),
    ("PodTemplateSpec", 1, "metadata", T::Msg("ObjectMeta")),
    ("PodTemplateSpec", 2, "spec", T::Msg("PodSpec")),
    ("PodSpec", 2, "containers", T::RepMsg("Container")),
    ("PodSpec", 3, "restartPolicy", T::Str),
    ("PodSpec", 8, "serviceAccountName", T::Str),
    ("Container", 1, "name", T::Str),
    ("Container", 2, "image", T::Str),
    ("Container", 3, "command", T::RepStr),
    ("Container", 4, "args", T::RepStr),
    ("Container", 5, "workingDir", T::Str),
    ("Container", 6, "ports", T::RepMsg("ContainerPort")),
    ("Container", 7, "env", T::RepMsg("EnvVar")),
    ("Container", 8, "resources", T::Msg("ResourceRequirements")),
    ("Container", 14, "imagePullPolicy", T::Str),
    ("ContainerPort", 1, "name", T::Str),
    ("ContainerPort", 3, "containerPort", T::Int),
    ("ContainerPort", 4, "protocol", T::Str),
    ("EnvVar", 1, "name", T::Str),
    ("EnvVar", 2, "value", T::Str),
    ("ResourceRequirements", 1, "limits", T::MapQty),
    ("ResourceRequirements", 2, "requests", T::MapQty),
];

fn b64(b: &[u8]) -> Value {
    use base64::Engine;
    json!(base64::engine::general_purpose::STANDARD.encode(b))
}

fn map_entry(b: &[u8]) -> Option<(String, &[u8])> {
    let fs = fields(b)?;
    Some((string(&fs, 1), bytes(&fs, 2).unwrap_or(&[])))
}

fn decode(msg: &str, b: &[u8]) -> Option<Value> {
    let mut out = Map::new();
    for (n, w) in fields(b)? {
        let Some((_, _, name, t)) = SCHEMA.iter().find(|(m, k, _, _)| *m == msg && *k == n) else {
            continue;
        };
        let name = name.to_string();
        match (t, w) {
            (T::Str, Wire::Bytes(v)) => {
                out.insert(name, json!(String::from_utf8_lossy(v)));
            }
            (T::Int, Wire::Varint(v)) => {
                out.insert(name, json!(v as i64));
            }
            (T::Bool, Wire::Varint(v)) => {
                out.insert(name, json!(v != 0));
            }
            (T::Msg(m), Wire::Bytes(v)) => {
                out.insert(name, decode(m, v)?);
            }
            (T::MapStr | T::MapB64 | T::MapQty, Wire::Bytes(v)) => {
                let (k, val) = map_entry(v)?;
                let val = match t {
                    T::MapStr => json!(String::from_utf8_lossy(val)),
                    T::MapB64 => b64(val),
                    _ => json!(string(&fields(val)?, 1)),
                };
                out.entry(name).or_insert_with(|| json!({}))[k] = val;
            }
            (T::RepStr, Wire::Bytes(v)) => {
                if let Some(a) = out.entry(name).or_insert_with(|| json!([])).as_array_mut() {
                    a.push(json!(String::from_utf8_lossy(v)));
                }
            }
            (T::RepMsg(m), Wire::Bytes(v)) => {
                let item = decode(m, v)?;
                if let Some(a) = out.entry(name).or_insert_with(|| json!([])).as_array_mut() {
                    a.push(item);
                }
            }
            _ => return None,
        }
    }
    Some(Value::Object(out))
}

/// Decode an object body sent as `application/vnd.kubernetes.protobuf`. Err names what
/// could not be read.
pub fn decode_object(body: &[u8]) -> Result<Value, String> {
    let (api_version, kind, raw) =
        envelope(body).ok_or("not a Kubernetes protobuf envelope (k8s\\0 + Unknown)")?;
    if !SCHEMA.iter().any(|(m, _, _, _)| *m == kind)
        || matches!(kind.as_str(), "ObjectMeta" | "DeploymentSpec")
    {
        return Err(format!(
            "the simulated cluster reads protobuf bodies only for ConfigMap, Secret, Namespace, ServiceAccount and Deployment, not {kind}; send JSON (e.g. kubectl apply -f, or kubectl 1.27)"
        ));
    }
    let mut v = decode(&kind, raw).ok_or_else(|| format!("malformed protobuf {kind}"))?;
    v["apiVersion"] = json!(api_version);
    v["kind"] = json!(kind);
    Ok(v)
}

#[cfg(test)]
#[path = "proto_tests.rs"]
mod tests;
