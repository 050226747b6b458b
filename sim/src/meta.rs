//! Small accessors on objects held as JSON, and the simulated clock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde_json::{Map, Value, json};

/// Like `Value::pointer`, but for plain paths ("/a/b", no escapes or indexes) and without
/// allocating.
pub fn ptr<'a>(obj: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut cur = obj;
    for p in pointer.split('/').skip(1) {
        cur = match cur {
            Value::Object(m) => m.get(p)?,
            Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

pub fn name(obj: &Value) -> &str {
    ptr(obj, "/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn namespace(obj: &Value) -> &str {
    ptr(obj, "/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn uid(obj: &Value) -> &str {
    ptr(obj, "/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn resource_version(obj: &Value) -> &str {
    ptr(obj, "/metadata/resourceVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn generation(obj: &Value) -> i64 {
    ptr(obj, "/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

pub fn metadata_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = json!({});
    }
    let m = obj.as_object_mut().expect("object");
    let md = m.entry("metadata").or_insert_with(|| json!({}));
    if !md.is_object() {
        *md = json!({});
    }
    md.as_object_mut().expect("object")
}

pub fn set_resource_version(obj: &mut Value, rv: u64) {
    metadata_mut(obj).insert("resourceVersion".into(), Value::String(rv.to_string()));
}

pub fn labels(obj: &Value) -> Option<&Map<String, Value>> {
    ptr(obj, "/metadata/labels").and_then(Value::as_object)
}

pub fn labels_at<'a>(obj: &'a Value, path: &str) -> Option<&'a Map<String, Value>> {
    ptr(obj, path).and_then(Value::as_object)
}

pub fn label<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    labels(obj)?.get(key)?.as_str()
}

/// Ensure `obj[path...]` is an object and return it.
pub fn obj_at<'a>(obj: &'a mut Value, path: &[&str]) -> &'a mut Map<String, Value> {
    let mut cur = obj;
    for p in path {
        if !cur.is_object() {
            *cur = json!({});
        }
        cur = cur
            .as_object_mut()
            .expect("object")
            .entry(p.to_string())
            .or_insert_with(|| json!({}));
    }
    if !cur.is_object() {
        *cur = json!({});
    }
    cur.as_object_mut().expect("object")
}

/// The controller owner reference's uid, if any.
pub fn controller_uid(obj: &Value) -> Option<&str> {
    ptr(obj, "/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))?
        .get("uid")?
        .as_str()
}

pub fn owner_uids(obj: &Value) -> Vec<&str> {
    ptr(obj, "/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("uid").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

pub fn owner_ref(owner: &Value, controller: bool) -> Value {
    json!({
        "apiVersion": owner.get("apiVersion").cloned().unwrap_or(Value::Null),
        "kind": owner.get("kind").cloned().unwrap_or(Value::Null),
        "name": name(owner),
        "uid": uid(owner),
        "controller": controller,
        "blockOwnerDeletion": true,
    })
}

pub fn is_deleting(obj: &Value) -> bool {
    ptr(obj, "/metadata/deletionTimestamp").is_some()
}

/// Does `selector` (a LabelSelector object with matchLabels/matchExpressions) match `labels`?
pub fn selector_matches(selector: &Value, labels: Option<&Map<String, Value>>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    if let Some(ml) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            if get(k) != v.as_str() {
                return false;
            }
        }
    }
    if let Some(exprs) = selector.get("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let ok = match e.get("operator").and_then(Value::as_str).unwrap_or("") {
                "In" => get(key).is_some_and(|v| values.contains(&v)),
                "NotIn" => get(key).is_none_or(|v| !values.contains(&v)),
                "Exists" => get(key).is_some(),
                "DoesNotExist" => get(key).is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Simulated time: wall-clock time at start plus elapsed real time × scale.
pub struct Clock {
    start_real: Instant,
    start_wall: jiff::Timestamp,
    /// Scale × 1000, so it can be changed at run time (admin endpoint).
    scale_milli: AtomicU64,
}

impl Clock {
    pub fn new(scale: f64) -> Self {
        Self::starting_at(scale, jiff::Timestamp::now())
    }

    /// A clock whose simulated time starts at `start` (a restored run goes on from where
    /// the saved one stopped, or from now when that is later).
    pub fn starting_at(scale: f64, start: jiff::Timestamp) -> Self {
        Clock {
            start_real: Instant::now(),
            start_wall: start,
            scale_milli: AtomicU64::new((scale.max(0.001) * 1000.0) as u64),
        }
    }

    pub fn scale(&self) -> f64 {
        self.scale_milli.load(Ordering::Relaxed) as f64 / 1000.0
    }

    pub fn now(&self) -> jiff::Timestamp {
        let el = self.start_real.elapsed().as_secs_f64() * self.scale();
        self.start_wall + jiff::SignedDuration::from_secs_f64(el)
    }

    /// Seconds of simulated time since the start.
    pub fn secs(&self) -> f64 {
        self.start_real.elapsed().as_secs_f64() * self.scale()
    }

    /// RFC 3339 with second precision, as Kubernetes writes metav1.Time.
    pub fn now_str(&self) -> String {
        fmt_time(self.now())
    }

    /// Real time for a simulated duration.
    pub fn real(&self, sim_secs: f64) -> std::time::Duration {
        std::time::Duration::from_secs_f64((sim_secs / self.scale()).max(0.0))
    }
}

pub fn fmt_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub fn parse_time(s: &str) -> Option<jiff::Timestamp> {
    s.parse().ok()
}

/// Seconds between an RFC 3339 string and now (simulated).
pub fn age_secs(clock: &Clock, s: Option<&str>) -> Option<f64> {
    let t = parse_time(s?)?;
    Some(clock.now().duration_since(t).as_secs_f64())
}

/// A small seeded generator (splitmix64) for uids and name suffixes: reproducible with
/// `--seed`, no dependency.
pub struct Rng(std::sync::Mutex<u64>);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(std::sync::Mutex::new(seed))
    }

    /// The generator's state (saved with the store, so a restored run makes no repeats).
    pub fn state(&self) -> u64 {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_state(&self, state: u64) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = state;
    }

    pub fn next_u64(&self) -> u64 {
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn uuid(&self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    /// Kubernetes' name suffix alphabet (no vowels, no confusable digits).
    pub fn suffix(&self, n: usize) -> String {
        const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..n)
            .map(|_| ALPHA[(self.next_u64() % ALPHA.len() as u64) as usize] as char)
            .collect()
    }
}

/// Encode a hash the way Kubernetes names ReplicaSets (rand.SafeEncodeString of the
/// fnv32a hash in decimal).
pub fn safe_encode(s: &str) -> String {
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHA[(b as usize) % ALPHA.len()] as char)
        .collect()
}

pub fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= *b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Parse a Kubernetes quantity to a float in base units (cores for CPU, bytes for memory).
pub fn parse_quantity(q: &Value) -> Option<f64> {
    if let Some(n) = q.as_f64() {
        return Some(n);
    }
    let s = q.as_str()?.trim();
    let (num, suffix) = match s.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0f64.powi(4),
        _ => return None,
    };
    Some(n * mult)
}

/// Is the pod Ready (condition Ready=True)?
pub fn pod_ready(pod: &Value) -> bool {
    ptr(pod, "/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

/// The sum over a pod's containers of `resources.KIND.RES` (KIND requests or limits).
pub fn pod_resource_sum(pod: &Value, kind: &str, res: &str) -> f64 {
    ptr(pod, "/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .filter_map(|c| ptr(c, &format!("/resources/{kind}/{res}")))
                .filter_map(parse_quantity)
                .sum()
        })
        .unwrap_or(0.0)
}

#[cfg(test)]
#[path = "meta_tests.rs"]
mod tests;
