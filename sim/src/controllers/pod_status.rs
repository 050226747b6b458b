//! Pod status helpers shared by the scheduler and the kubelet: conditions, the
//! containers of a pod, their requests, and a running container's status.

use serde_json::{Value, json};

use crate::meta;

pub fn condition(t: &str, status: bool, now: &str) -> Value {
    json!({"type": t, "status": if status { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": now})
}

pub fn set_condition(pod: &mut Value, t: &str, status: bool, now: &str) {
    let conds = pod["status"]
        .as_object_mut()
        .map(|s| s.entry("conditions").or_insert_with(|| json!([])));
    let Some(Value::Array(conds)) = conds else {
        return;
    };
    let want = if status { "True" } else { "False" };
    match conds.iter_mut().find(|c| c["type"] == t) {
        Some(c) if c["status"] == want => {}
        Some(c) => *c = condition(t, status, now),
        None => conds.push(condition(t, status, now)),
    }
}

pub fn containers(pod: &Value) -> Vec<(String, String)> {
    meta::ptr(pod, "/spec/containers")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    (
                        c["name"].as_str().unwrap_or("").to_string(),
                        c["image"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn request(pod: &Value, res: &str) -> f64 {
    meta::pod_resource_sum(pod, "requests", res)
}

pub fn condition_time<'a>(pod: &'a Value, t: &str) -> Option<&'a str> {
    meta::ptr(pod, "/status/conditions")?
        .as_array()?
        .iter()
        .find(|c| c["type"] == t)?
        .get("lastTransitionTime")?
        .as_str()
}

pub fn running_status(
    name: &str,
    image: &str,
    now: &str,
    restarts: i64,
    last: Option<&Value>,
) -> Value {
    let mut s = json!({
        "name": name,
        "image": image,
        "imageID": format!("{image}@sha256:{:064x}", meta::fnv32a(image.as_bytes())),
        "containerID": format!("containerd://{:064x}", meta::fnv32a(format!("{name}{now}{restarts}").as_bytes())),
        "ready": false,
        "started": true,
        "restartCount": restarts,
        "state": {"running": {"startedAt": now}},
        "lastState": {},
    });
    if let Some(l) = last {
        s["lastState"] = l.clone();
    }
    s
}
