//! Reading the Kubernetes protobuf wire format, for the bodies kubectl sends as protobuf
//! (`kubectl create` generators, `autoscale`, `auth can-i` …): the `k8s\0` + runtime.Unknown
//! envelope, then the object, decoded through the schema table generated from the
//! Kubernetes .proto files ([`super::proto_schema`], by `scripts/gen-proto-schema.py`) into
//! the JSON kube-apiserver would have made of it. The types with a JSON form of their own
//! (Time, MicroTime, IntOrString, Quantity, RawExtension …) are handled here once; unknown
//! fields are skipped, as protobuf readers do.

use base64::Engine;
use serde_json::{Map, Value, json};

#[rustfmt::skip]
#[path = "proto_schema.rs"]
mod schema;
pub use schema::{MESSAGES, ROOTS};

/// The type of a field (of a map's value for a map field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    Bytes,
    Bool,
    I32,
    I64,
    F64,
    /// A message: `MESSAGES[i]`.
    M(u16),
}

/// Messages whose JSON is not an object of their fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    Plain,
    /// seconds (+ nanos, dropped as kube-apiserver does) → RFC 3339 at second precision.
    Time,
    /// seconds + nanos → RFC 3339 with 6 decimals.
    MicroTime,
    /// type/intVal/strVal → a number or a string.
    IntOrString,
    /// `string` → the string.
    Quantity,
    /// `raw` bytes (RawExtension, FieldsV1, apiextensions JSON) → the JSON they hold.
    RawJson,
    /// JSONSchemaPropsOrArray: an array of schemas, or one schema.
    OrArray,
    /// JSONSchemaPropsOrBool: a schema, or a bool.
    OrBool,
    /// JSONSchemaPropsOrStringArray: an array of strings, or a schema.
    OrStringArray,
}

/// One field: number, JSON name (empty when inlined), type, flags.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub num: u32,
    pub json: &'static str,
    pub ty: Ty,
    pub flags: u8,
}

/// One message of the schema.
#[derive(Debug)]
pub struct Msg {
    pub name: &'static str,
    pub special: Special,
    pub fields: &'static [Field],
}

/// `repeated`.
pub const REP: u8 = 1;
/// `map<string, ty>`.
pub const MAP: u8 = 2;
/// A Go field that is neither a pointer nor kept when empty (`omitempty`): its zero value,
/// which Go's protobuf always writes, is not part of the JSON.
pub const OMIT: u8 = 4;
/// A Go struct embedded inline: its fields are the parent's in JSON.
pub const INLINE: u8 = 8;

pub const fn f(num: u32, json: &'static str, ty: Ty, flags: u8) -> Field {
    Field {
        num,
        json,
        ty,
        flags,
    }
}

/// Nesting deeper than this is refused (JSONSchemaProps can nest without end).
const MAX_DEPTH: usize = 100;

/// One field value as it is on the wire.
#[derive(Debug, Clone, Copy)]
pub enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(&'a [u8]),
}

impl Wire<'_> {
    fn name(&self) -> &'static str {
        match self {
            Wire::Varint(_) => "varint",
            Wire::Fixed64(_) => "64-bit",
            Wire::Fixed32(_) => "32-bit",
            Wire::Bytes(_) => "length-delimited",
        }
    }
}

fn varint(b: &[u8], i: &mut usize) -> Result<u64, String> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i).ok_or("truncated varint")?;
        *i += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("varint longer than 10 bytes".into())
}

fn take<'a>(b: &'a [u8], i: &mut usize, n: usize) -> Result<&'a [u8], String> {
    let end = i
        .checked_add(n)
        .filter(|e| *e <= b.len())
        .ok_or("truncated field")?;
    let out = &b[*i..end];
    *i = end;
    Ok(out)
}

/// Every field of a message, in wire order.
pub fn fields(b: &[u8]) -> Result<Vec<(u32, Wire<'_>)>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let key = varint(b, &mut i)?;
        let num = u32::try_from(key >> 3).map_err(|_| "field number out of range")?;
        let wire = match key & 7 {
            0 => Wire::Varint(varint(b, &mut i)?),
            1 => Wire::Fixed64(u64::from_le_bytes(
                take(b, &mut i, 8)?.try_into().unwrap_or_default(),
            )),
            5 => Wire::Fixed32(u32::from_le_bytes(
                take(b, &mut i, 4)?.try_into().unwrap_or_default(),
            )),
            2 => {
                let len = usize::try_from(varint(b, &mut i)?).map_err(|_| "length out of range")?;
                Wire::Bytes(take(b, &mut i, len)?)
            }
            w => return Err(format!("unsupported wire type {w} (field {num})")),
        };
        out.push((num, wire));
    }
    Ok(out)
}

fn bytes_field<'a>(fs: &[(u32, Wire<'a>)], n: u32) -> &'a [u8] {
    fs.iter()
        .rev()
        .find_map(|(k, v)| match v {
            Wire::Bytes(b) if *k == n => Some(*b),
            _ => None,
        })
        .unwrap_or(&[])
}

fn varint_field(fs: &[(u32, Wire<'_>)], n: u32) -> u64 {
    fs.iter()
        .rev()
        .find_map(|(k, v)| match v {
            Wire::Varint(x) if *k == n => Some(*x),
            _ => None,
        })
        .unwrap_or(0)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The `k8s\0` envelope: (apiVersion, kind, raw message bytes).
pub fn envelope(body: &[u8]) -> Result<(String, String, &[u8]), String> {
    let inner = body
        .strip_prefix(b"k8s\0")
        .ok_or("not a Kubernetes protobuf body (no k8s\\0 prefix)")?;
    let unknown = fields(inner).map_err(|e| format!("malformed protobuf envelope: {e}"))?;
    let tm = fields(bytes_field(&unknown, 1))
        .map_err(|e| format!("malformed protobuf envelope: {e}"))?;
    Ok((
        text(bytes_field(&tm, 1)),
        text(bytes_field(&tm, 2)),
        bytes_field(&unknown, 2),
    ))
}

/// The schema message of a served kind (DeleteOptions in any group version: kubectl drain
/// sends them as protobuf; delete.rs still reads its body as JSON only, and has to call
/// [`decode_object`] for a protobuf Content-Type to take them).
pub fn root(api_version: &str, kind: &str) -> Option<&'static Msg> {
    ROOTS
        .iter()
        .find(|(av, k, _)| (*av == api_version || *av == "*") && *k == kind)
        .map(|(_, _, i)| &MESSAGES[*i as usize])
}

/// Decode an object body sent as `application/vnd.kubernetes.protobuf`. Err says what
/// could not be read (a 400 for the client).
pub fn decode_object(body: &[u8]) -> Result<Value, String> {
    decode_object_at(body, 0)
}

fn decode_object_at(body: &[u8], depth: usize) -> Result<Value, String> {
    let (api_version, kind, raw) = envelope(body)?;
    let msg = root(&api_version, &kind).ok_or_else(|| {
        format!(
            "no kind {kind:?} is registered for version {api_version:?} in the simulated cluster"
        )
    })?;
    let mut v =
        decode_msg(msg, raw, depth).map_err(|e| format!("malformed protobuf {kind}: {e}"))?;
    if !v.is_object() {
        return Err(format!("malformed protobuf {kind}"));
    }
    v["apiVersion"] = json!(api_version);
    v["kind"] = json!(kind);
    Ok(v)
}

/// Decode one message into its JSON (Null for an unset Time).
pub fn decode_msg(m: &Msg, b: &[u8], depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH} messages"));
    }
    match m.special {
        Special::Plain => decode_plain(m, b, depth).map(Value::Object),
        Special::Time | Special::MicroTime => time(m.special, b),
        Special::IntOrString => {
            let fs = fields(b)?;
            Ok(match varint_field(&fs, 1) {
                0 => json!(varint_field(&fs, 2) as i32),
                _ => json!(text(bytes_field(&fs, 3))),
            })
        }
        Special::Quantity => Ok(json!(text(bytes_field(&fields(b)?, 1)))),
        Special::RawJson => raw_json(bytes_field(&fields(b)?, 1), depth),
        Special::OrArray | Special::OrBool | Special::OrStringArray => {
            let mut o = decode_plain(m, b, depth)?;
            let (list, schema) = match m.special {
                Special::OrArray => (o.remove("jSONSchemas"), o.remove("schema")),
                Special::OrStringArray => (o.remove("property"), o.remove("schema")),
                _ => (None, o.remove("schema")),
            };
            Ok(list
                .or(schema)
                .or_else(|| o.remove("allows"))
                .unwrap_or(json!(false)))
        }
    }
}

fn raw_json(raw: &[u8], depth: usize) -> Result<Value, String> {
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    if raw.starts_with(b"k8s\0") {
        return decode_object_at(raw, depth + 1);
    }
    serde_json::from_slice(raw).map_err(|e| format!("embedded object is not JSON: {e}"))
}

fn time(special: Special, b: &[u8]) -> Result<Value, String> {
    if b.is_empty() {
        return Ok(Value::Null);
    }
    let fs = fields(b)?;
    let secs = varint_field(&fs, 1) as i64;
    let t = jiff::Timestamp::from_second(secs).map_err(|e| format!("time out of range: {e}"))?;
    let base = t.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    Ok(json!(match special {
        Special::MicroTime => {
            let micros = (varint_field(&fs, 2) as i32).clamp(0, 999_999_999) / 1000;
            format!("{base}.{micros:06}Z")
        }
        _ => format!("{base}Z"),
    }))
}

fn decode_plain(m: &Msg, b: &[u8], depth: usize) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for (num, wire) in fields(b)? {
        let Some(fd) = m.fields.iter().find(|fd| fd.num == num) else {
            continue;
        };
        put(&mut out, fd, wire, depth).map_err(|e| format!("{}.{}: {e}", m.name, fd.json))?;
    }
    for fd in m.fields.iter().filter(|fd| fd.flags & OMIT != 0) {
        if out.get(fd.json).is_some_and(is_zero) {
            out.remove(fd.json);
        }
    }
    Ok(out)
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Bool(b) => !b,
        Value::Object(o) => o.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Null => true,
    }
}

fn put(
    out: &mut Map<String, Value>,
    fd: &Field,
    wire: Wire<'_>,
    depth: usize,
) -> Result<(), String> {
    let key = fd.json.to_string();
    if fd.flags & MAP != 0 {
        let Wire::Bytes(entry) = wire else {
            return Err("a map entry must be length-delimited".into());
        };
        let (k, v) = map_entry(fd.ty, entry, depth)?;
        let map = out.entry(key).or_insert_with(|| json!({}));
        if let Some(map) = map.as_object_mut() {
            map.insert(k, v);
        }
        return Ok(());
    }
    if fd.flags & REP != 0 {
        let items = match (fd.ty, wire) {
            (Ty::I32 | Ty::I64 | Ty::Bool | Ty::F64, Wire::Bytes(b)) => packed(fd.ty, b)?,
            _ => vec![scalar_or_msg(fd.ty, wire, depth)?],
        };
        if let Some(a) = out.entry(key).or_insert_with(|| json!([])).as_array_mut() {
            a.extend(items);
        }
        return Ok(());
    }
    let v = scalar_or_msg(fd.ty, wire, depth)?;
    match v {
        Value::Object(inner) if fd.flags & INLINE != 0 => out.extend(inner),
        Value::Null => {}
        v => {
            out.insert(key, v);
        }
    }
    Ok(())
}

fn map_entry(ty: Ty, entry: &[u8], depth: usize) -> Result<(String, Value), String> {
    let fs = fields(entry)?;
    let key = text(bytes_field(&fs, 1));
    let value = match fs.iter().rev().find(|(n, _)| *n == 2) {
        Some((_, w)) => scalar_or_msg(ty, *w, depth)?,
        None if matches!(ty, Ty::M(_)) => scalar_or_msg(ty, Wire::Bytes(&[]), depth)?,
        None => scalar_or_msg(ty, Wire::Varint(0), depth).unwrap_or(json!("")),
    };
    Ok((key, value))
}

/// Packed repeated numbers (proto3 style; Go's proto2 writes them unpacked).
fn packed(ty: Ty, b: &[u8]) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let wire = match ty {
            Ty::F64 => Wire::Fixed64(u64::from_le_bytes(
                take(b, &mut i, 8)?.try_into().unwrap_or_default(),
            )),
            _ => Wire::Varint(varint(b, &mut i)?),
        };
        out.push(scalar_or_msg(ty, wire, 0)?);
    }
    Ok(out)
}

/// A double as Go's encoding/json writes it: whole numbers without a fraction.
fn float(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

fn scalar_or_msg(ty: Ty, wire: Wire<'_>, depth: usize) -> Result<Value, String> {
    Ok(match (ty, wire) {
        (Ty::Str, Wire::Bytes(b)) => json!(text(b)),
        (Ty::Bytes, Wire::Bytes(b)) => json!(base64::engine::general_purpose::STANDARD.encode(b)),
        (Ty::Bool, Wire::Varint(v)) => json!(v != 0),
        (Ty::I32, Wire::Varint(v)) => json!(v as i32),
        (Ty::I64, Wire::Varint(v)) => json!(v as i64),
        (Ty::F64, Wire::Fixed64(v)) => float(f64::from_bits(v)),
        (Ty::M(i), Wire::Bytes(b)) => {
            let m = MESSAGES
                .get(i as usize)
                .ok_or("schema index out of range")?;
            decode_msg(m, b, depth + 1)?
        }
        (ty, w) => return Err(format!("a {} value where {ty:?} was expected", w.name())),
    })
}

#[cfg(test)]
#[path = "proto_enc.rs"]
pub mod enc;

#[cfg(test)]
#[path = "proto_tests.rs"]
mod tests;
