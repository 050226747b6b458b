//! JSON → Kubernetes protobuf through the same schema table as the decoder (for tests: the
//! round trip of every served kind, and bodies as kubectl would send them). A JSON key that
//! is not in the schema is an error, so a sample cannot drift from the table unnoticed.

use base64::Engine;
use serde_json::Value;

use crate::api::pb_wire::{delimited, key, varint};

use super::{Field, INLINE, MAP, MESSAGES, Msg, REP, Special, Ty, root};

/// `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw} around `obj` (which names
/// its apiVersion and kind).
pub fn encode_object(obj: &Value) -> Result<Vec<u8>, String> {
    let s = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (av, kind) = (s("apiVersion"), s("kind"));
    let m = root(&av, &kind).ok_or_else(|| format!("no schema for {av} {kind}"))?;
    let mut body = obj.clone();
    if let Some(o) = body.as_object_mut() {
        o.remove("apiVersion");
        o.remove("kind");
    }
    let raw = encode_msg(m, &body).map_err(|e| format!("{kind}: {e}"))?;
    let mut tm = Vec::new();
    delimited(&mut tm, 1, av.as_bytes());
    delimited(&mut tm, 2, kind.as_bytes());
    let mut out = b"k8s\0".to_vec();
    delimited(&mut out, 1, &tm);
    delimited(&mut out, 2, &raw);
    Ok(out)
}

/// The JSON keys a message takes (its inlined structs' keys too).
fn keys(m: &Msg, out: &mut Vec<&'static str>) {
    for fd in m.fields {
        match fd.ty {
            Ty::M(i) if fd.flags & INLINE != 0 => keys(&MESSAGES[i as usize], out),
            _ => out.push(fd.json),
        }
    }
}

pub fn encode_msg(m: &Msg, v: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    match m.special {
        Special::Plain => encode_plain(m, v, &mut out)?,
        Special::Time | Special::MicroTime => {
            let s = v.as_str().ok_or("a time must be a string")?;
            let t: jiff::Timestamp = s.parse().map_err(|e| format!("time {s:?}: {e}"))?;
            key(&mut out, 1, 0);
            varint(&mut out, t.as_second() as u64);
            if m.special == Special::MicroTime && t.subsec_nanosecond() != 0 {
                key(&mut out, 2, 0);
                varint(&mut out, t.subsec_nanosecond() as u64);
            }
        }
        Special::IntOrString => match v {
            Value::String(s) => {
                key(&mut out, 1, 0);
                varint(&mut out, 1);
                delimited(&mut out, 3, s.as_bytes());
            }
            _ => {
                key(&mut out, 1, 0);
                varint(&mut out, 0);
                key(&mut out, 2, 0);
                varint(&mut out, v.as_i64().ok_or("intOrString")? as u64);
            }
        },
        Special::Quantity => delimited(&mut out, 1, v.as_str().ok_or("a quantity")?.as_bytes()),
        Special::RawJson => delimited(&mut out, 1, &serde_json::to_vec(v).unwrap_or_default()),
        Special::OrArray | Special::OrStringArray => match v {
            Value::Array(_) => encode_field(&m.fields[1], v, &mut out)?,
            _ => encode_field(&m.fields[0], v, &mut out)?,
        },
        Special::OrBool => match v {
            Value::Bool(_) => encode_field(&m.fields[0], v, &mut out)?,
            _ => {
                encode_field(&m.fields[0], &Value::Bool(true), &mut out)?;
                encode_field(&m.fields[1], v, &mut out)?;
            }
        },
    }
    Ok(out)
}

fn encode_plain(m: &Msg, v: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    let o = v
        .as_object()
        .ok_or_else(|| format!("{} must be an object", m.name))?;
    let mut known = Vec::new();
    keys(m, &mut known);
    if let Some(k) = o.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!("{} has no field {k:?}", m.name));
    }
    for fd in m.fields {
        let value = match (fd.ty, fd.flags & INLINE) {
            (Ty::M(i), INLINE) => {
                let mut sub = Vec::new();
                keys(&MESSAGES[i as usize], &mut sub);
                let inner = o.iter().filter(|(k, _)| sub.contains(&k.as_str()));
                Value::Object(inner.map(|(k, x)| (k.clone(), x.clone())).collect())
            }
            _ => match o.get(fd.json) {
                None | Some(Value::Null) => continue,
                Some(x) => x.clone(),
            },
        };
        encode_field(fd, &value, out).map_err(|e| format!("{}.{}: {e}", m.name, fd.json))?;
    }
    Ok(())
}

fn encode_field(fd: &Field, v: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    if fd.flags & MAP != 0 {
        for (k, x) in v.as_object().ok_or("a map must be an object")? {
            let mut entry = Vec::new();
            delimited(&mut entry, 1, k.as_bytes());
            encode_one(fd.ty, 2, x, &mut entry)?;
            delimited(out, fd.num, &entry);
        }
    } else if fd.flags & REP != 0 {
        for x in v.as_array().ok_or("a repeated field must be an array")? {
            encode_one(fd.ty, fd.num, x, out)?;
        }
    } else {
        encode_one(fd.ty, fd.num, v, out)?;
    }
    Ok(())
}

fn encode_one(ty: Ty, num: u32, v: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    let int = || v.as_i64().ok_or_else(|| format!("{v} is not an integer"));
    match ty {
        Ty::Str => delimited(out, num, v.as_str().ok_or("not a string")?.as_bytes()),
        Ty::Bytes => {
            let s = v.as_str().ok_or("bytes must be base64 text")?;
            let b = base64::engine::general_purpose::STANDARD
                .decode(s)
                .map_err(|e| e.to_string())?;
            delimited(out, num, &b);
        }
        Ty::Bool => {
            key(out, num, 0);
            varint(out, v.as_bool().ok_or("not a bool")? as u64);
        }
        Ty::I32 | Ty::I64 => {
            let n = int()?;
            key(out, num, 0);
            varint(out, n as u64);
        }
        Ty::F64 => {
            key(out, num, 1);
            out.extend_from_slice(&v.as_f64().ok_or("not a number")?.to_bits().to_le_bytes());
        }
        Ty::M(i) => delimited(out, num, &encode_msg(&MESSAGES[i as usize], v)?),
    }
    Ok(())
}
