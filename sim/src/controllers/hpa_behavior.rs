//! The HPA's `behavior`: stabilization windows over recent recommendations and the
//! scale-up/scale-down rate policies.

use serde_json::Value;

use crate::meta;

/// The policy-limited replica count for a scale from `current` toward `desired`.
pub(super) fn rate_limit(behavior: Option<&Value>, current: i64, desired: i64) -> i64 {
    let up = desired > current;
    let rules = behavior.and_then(|b| b.get(if up { "scaleUp" } else { "scaleDown" }));
    let policies: Vec<(String, f64)> = rules
        .and_then(|r| r.get("policies"))
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    (
                        p["type"].as_str().unwrap_or("").to_string(),
                        p["value"].as_f64().unwrap_or(0.0),
                    )
                })
                .collect()
        })
        .unwrap_or_else(|| {
            if up {
                vec![("Percent".into(), 100.0), ("Pods".into(), 4.0)]
            } else {
                vec![("Percent".into(), 100.0)]
            }
        });
    let select = rules
        .and_then(|r| r["selectPolicy"].as_str())
        .unwrap_or("Max");
    if select == "Disabled" {
        return current;
    }
    let limits: Vec<i64> = policies
        .iter()
        .map(|(t, v)| match (t.as_str(), up) {
            ("Pods", true) => current + *v as i64,
            ("Pods", false) => current - *v as i64,
            (_, true) => (current as f64 * (1.0 + v / 100.0)).ceil() as i64,
            (_, false) => (current as f64 * (1.0 - v / 100.0)).ceil() as i64,
        })
        .collect();
    let limit = match (up, select) {
        (true, "Min") => limits.iter().copied().min(),
        (true, _) => limits.iter().copied().max(),
        (false, "Min") => limits.iter().copied().max(),
        (false, _) => limits.iter().copied().min(),
    }
    .unwrap_or(desired);
    if up {
        desired.min(limit)
    } else {
        desired.max(limit)
    }
}

/// Stabilization: record `raw` and move from `current` only as far as every recommendation
/// in the scale-up window (at least their minimum) and the scale-down window (at most their
/// maximum) agree.
pub(super) fn stabilize(
    recs: &mut Vec<(f64, i64)>,
    behavior: Option<&Value>,
    now_s: f64,
    current: i64,
    raw: i64,
) -> i64 {
    let win = |dir: &str, default: f64| {
        behavior
            .and_then(|b| meta::ptr(b, &format!("/{dir}/stabilizationWindowSeconds")))
            .and_then(Value::as_f64)
            .unwrap_or(default)
    };
    let (up_win, down_win) = (win("scaleUp", 0.0), win("scaleDown", 300.0));
    recs.push((now_s, raw));
    let keep = up_win.max(down_win);
    recs.retain(|(t, _)| now_s - t <= keep);
    let up_rec = recs
        .iter()
        .filter(|(t, _)| now_s - t <= up_win)
        .map(|r| r.1)
        .min()
        .unwrap_or(raw);
    let down_rec = recs
        .iter()
        .filter(|(t, _)| now_s - t <= down_win)
        .map(|r| r.1)
        .max()
        .unwrap_or(raw);
    let mut stabilized = current;
    if stabilized < up_rec {
        stabilized = up_rec;
    }
    if stabilized > down_rec {
        stabilized = down_rec;
    }
    stabilized
}
