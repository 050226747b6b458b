//! Scale a Deployment or StatefulSet. When an HPA targets it, the HPA decides its replicas
//! between its minReplicas and maxReplicas — a plain scale would be undone at its next sync —
//! so "scale to N" sets the HPA's minReplicas to N (maxReplicas raised if needed): the
//! workload gets at least N now, and the HPA keeps what its metrics want above that. The
//! question and the outcome say which count the HPA will keep; nothing waits for a number
//! the HPA will not hold.

use std::time::Duration;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use kube::api::{Api, ListParams, Patch, PatchParams};
use serde_json::json;

use super::progress::Progress;
use super::target::{WorkloadRef, int};
use super::{Access, FIELD_MANAGER, OpError, Ops};

/// The largest replica count agentdeck will set.
pub const MAX_REPLICAS: i32 = 500;

/// What a scale will do (shown for confirmation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePlan {
    pub workload: WorkloadRef,
    /// The replicas when planned: the write's precondition, so a scale made meanwhile by
    /// someone else is a conflict, not silently overwritten.
    pub current: i32,
    pub replicas: i32,
    /// The HPA that targets the workload, if one does.
    pub hpa: Option<HpaHold>,
}

impl ScalePlan {
    /// The confirmation question; `place` names the namespace and context.
    pub fn describe(&self, place: &str) -> String {
        let words = self.workload.words();
        let Some(h) = &self.hpa else {
            return format!(
                "scale {words} in {place} from {} to {} replicas",
                self.current, self.replicas
            );
        };
        let new_max = h.max.max(self.replicas);
        let max = if new_max != h.max {
            format!(" and maxReplicas {} → {new_max}", h.max)
        } else {
            String::new()
        };
        let now = if self.writes_replicas() {
            format!("; replicas {} → {} now", self.current, self.replicas)
        } else {
            String::new()
        };
        let settles = self.settles_at();
        let then = if settles > self.replicas {
            format!(
                "; the HPA keeps it above that as its metrics want: {settles} now (it has {})",
                self.current
            )
        } else {
            String::new()
        };
        format!(
            "scale {words} in {place} to at least {}: HPA {} decides its replicas, so its minReplicas goes {} → {}{max}{now}{then}",
            self.replicas, h.name, h.min, self.replicas
        )
    }

    pub fn accesses(&self) -> Vec<Access> {
        accesses(&self.workload, self.hpa.as_ref().map(|h| h.name.as_str()))
    }
}

/// What a scale of `w` needs: its scale subresource, and the HPA that holds it, if any.
pub fn accesses(w: &WorkloadRef, hpa: Option<&str>) -> Vec<Access> {
    let mut v = vec![Access {
        verb: "patch",
        group: "apps",
        resource: w.kind.plural(),
        subresource: "scale",
        name: w.name.clone(),
    }];
    if let Some(h) = hpa {
        v.push(Access {
            verb: "patch",
            group: "autoscaling",
            resource: "horizontalpodautoscalers",
            subresource: "",
            name: h.to_string(),
        });
    }
    v
}

/// An HPA that targets the scaled workload: its name, bounds, and the count its metrics
/// want now (its status' desiredReplicas, when it has computed one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpaHold {
    pub name: String,
    pub min: i32,
    pub max: i32,
    pub wants: Option<i32>,
}

impl ScalePlan {
    /// The count the workload will settle at: the request, or with an HPA what it wants
    /// above the new minimum.
    pub fn settles_at(&self) -> i32 {
        match &self.hpa {
            None => self.replicas,
            Some(h) => h
                .wants
                .unwrap_or(self.current)
                .clamp(self.replicas, h.max.max(self.replicas)),
        }
    }

    /// Is the replica count written now (not only the HPA's minimum)? Without an HPA, or
    /// when it raises the workload above what it has: lowering is the HPA's to do.
    fn writes_replicas(&self) -> bool {
        self.hpa.is_none() || self.replicas > self.current
    }

    /// Some(why) when nothing would change.
    pub fn nothing_to_do(&self, place: &str) -> Option<String> {
        let name = &self.workload.name;
        match &self.hpa {
            None if self.current == self.replicas => Some(format!(
                "nothing to do: {} in {place} already has {} replicas",
                self.workload.words(),
                self.current
            )),
            Some(h) if h.min == self.replicas && self.current >= self.replicas => Some(format!(
                "nothing to do: HPA {} already keeps {name} at {} or more (between {} and {}; {} now)",
                h.name, h.min, h.min, h.max, self.current
            )),
            _ => None,
        }
    }

    /// What was done, in words; `ready`: the count found ready at the end.
    pub fn done(&self, ready: i32) -> String {
        let name = &self.workload.name;
        match &self.hpa {
            None => format!("{name} scaled to {} and ready", self.replicas),
            Some(h) => format!(
                "{name} has {ready} replicas ready; HPA {} keeps it between {} and {}",
                h.name,
                self.replicas,
                h.max.max(self.replicas)
            ),
        }
    }
}

/// Parse a replica count typed by a person.
pub fn parse_replicas(s: &str) -> Result<i32, OpError> {
    let n: i64 = s.trim().parse().map_err(|_| {
        OpError::Invalid(format!("replicas {s:?} is not a whole number; give e.g. 5"))
    })?;
    if n < 0 || n > MAX_REPLICAS as i64 {
        return Err(OpError::Invalid(format!(
            "replicas {n} is out of range: use 0 to {MAX_REPLICAS}"
        )));
    }
    Ok(n as i32)
}

/// Read the workload and its HPA; validate the request.
pub async fn plan(ops: &Ops, w: &WorkloadRef, replicas: &str) -> Result<ScalePlan, OpError> {
    let replicas = parse_replicas(replicas)?;
    let obj = w.get(ops).await?;
    let current = int(&obj, "/spec/replicas").unwrap_or(1);
    let hpas: Api<HorizontalPodAutoscaler> =
        Api::namespaced(ops.conn.client.clone(), &ops.conn.namespace);
    let list = hpas
        .list(&ListParams::default())
        .await
        .map_err(|e| OpError::from_kube("listing HPAs", e))?;
    let hpa = list.items.into_iter().find_map(|h| {
        let spec = h.spec?;
        let r = &spec.scale_target_ref;
        (r.kind == w.kind.name() && r.name == w.name).then(|| HpaHold {
            name: h.metadata.name.unwrap_or_default(),
            min: spec.min_replicas.unwrap_or(1),
            max: spec.max_replicas,
            wants: h.status.map(|s| s.desired_replicas),
        })
    });
    if hpa.is_some() && replicas == 0 {
        return Err(OpError::Invalid(format!(
            "cannot scale {} to 0 while an HPA targets it (an HPA keeps at least 1 replica); delete or suspend the HPA first",
            w.name
        )));
    }
    Ok(ScalePlan {
        workload: w.clone(),
        current,
        replicas,
        hpa,
    })
}

/// Carry out a confirmed plan; one audit line whatever the outcome.
pub async fn apply(ops: &Ops, plan: &ScalePlan) -> Result<String, OpError> {
    let result = apply_inner(ops, plan).await;
    ops.record("scale", &plan.workload.slash(), &result);
    result
}

async fn apply_inner(ops: &Ops, plan: &ScalePlan) -> Result<String, OpError> {
    let w = &plan.workload;
    let mut now = w.get(ops).await?;
    // Scaled since the plan (by someone, or its HPA): nothing is written; say what. A
    // status update (pods turning ready) is no reason to ask again.
    if int(&now, "/spec/replicas").unwrap_or(1) != plan.current {
        return Err(changed_meanwhile(plan, &now));
    }
    let ns = &ops.conn.namespace;
    let pp = PatchParams {
        field_manager: Some(FIELD_MANAGER.into()),
        ..Default::default()
    };
    if let Some(h) = &plan.hpa {
        let hpas: Api<HorizontalPodAutoscaler> = Api::namespaced(ops.conn.client.clone(), ns);
        let body = json!({"spec": {"minReplicas": plan.replicas, "maxReplicas": h.max.max(plan.replicas)}});
        hpas.patch(&h.name, &pp, &Patch::Merge(&body))
            .await
            .map_err(|e| OpError::from_kube(&format!("HPA {}", h.name), e))?;
        if !plan.writes_replicas() {
            return Ok(format!(
                "HPA {} minReplicas {} → {} ({} replicas now; the HPA lowers them as its metrics allow)",
                h.name, h.min, plan.replicas, plan.current
            ));
        }
    }
    // The resourceVersion read is the write's precondition (409 when it moved on): read
    // again, and write only while the count is still the planned one.
    for _ in 0..3 {
        let rv = now.metadata.resource_version.clone().unwrap_or_default();
        let body =
            json!({"metadata": {"resourceVersion": rv}, "spec": {"replicas": plan.replicas}});
        match w
            .api(ops)
            .patch_scale(&w.name, &pp, &Patch::Merge(&body))
            .await
        {
            Ok(_) => return Ok(format!("{} → {} replicas", plan.current, plan.replicas)),
            Err(kube::Error::Api(s)) if s.code == 409 => {
                now = w.get(ops).await?;
                if int(&now, "/spec/replicas").unwrap_or(1) != plan.current {
                    break;
                }
            }
            Err(e) => return Err(OpError::from_kube(&w.words(), e)),
        }
    }
    Err(changed_meanwhile(plan, &now))
}

/// "redis was scaled to 5 meanwhile (by kubectl at 10:02:11 UTC)": who wrote last, from
/// the object's managedFields.
fn changed_meanwhile(plan: &ScalePlan, now: &kube::api::DynamicObject) -> OpError {
    let replicas = int(now, "/spec/replicas").unwrap_or(0);
    let last = now
        .metadata
        .managed_fields
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter_map(|f| Some((f.time.as_ref()?.0, f.manager.as_deref()?)))
        .max_by_key(|(t, _)| *t)
        .map(|(t, m)| format!(" (last written by {} at {t})", crate::text::printable(m)))
        .unwrap_or_default();
    let what = if replicas != plan.current {
        format!("scaled to {replicas}")
    } else {
        "changed".into()
    };
    OpError::Conflict(format!("{} was {what} meanwhile{last}", plan.workload.name))
}

/// What a scale waits for: the count asked, or (an HPA deciding) at least it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    Exactly(i32),
    AtLeast(i32),
}

impl ScalePlan {
    pub fn want(&self) -> Want {
        match self.hpa {
            Some(_) => Want::AtLeast(self.replicas),
            None => Want::Exactly(self.replicas),
        }
    }
}

/// Wait (within the ops' timeout) until `want` pods are ready; each change of
/// (ready, desired) is a progress event.
pub async fn wait_ready(
    ops: &Ops,
    w: &WorkloadRef,
    want: Want,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<i32, OpError> {
    let (want, hpa) = match want {
        Want::Exactly(n) => (n, false),
        Want::AtLeast(n) => (n, true),
    };
    let timeout = ops.timeout;
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last = (-1, -1);
    // Ours was seen as the desired count (a change away from it is someone else's).
    let mut last_desired_ours = false;
    loop {
        let d = w.get(ops).await?;
        let ready = int(&d, "/status/readyReplicas").unwrap_or(0);
        let desired = int(&d, "/spec/replicas").unwrap_or(0);
        if (ready, desired) != last {
            progress(Progress::Pods {
                deployment: w.name.clone(),
                ready,
                desired,
            });
            last = (ready, desired);
        }
        // With an HPA: at least `want`, all ready, whatever count above it the HPA holds.
        if (desired == want || (hpa && desired > want)) && ready == desired {
            return Ok(desired);
        }
        // Someone else set another count: waiting for ours would only run out the clock.
        if !hpa && desired != want && last_desired_ours {
            return Err(OpError::Conflict(format!(
                "{}'s replicas were set to {desired} meanwhile: not waiting for {want}",
                w.name
            )));
        }
        last_desired_ours = desired == want;
        if tokio::time::Instant::now() >= deadline {
            return Err(OpError::Timeout(format!(
                "{}: {ready}/{want} ready after {}s",
                w.name,
                timeout.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[cfg(test)]
#[path = "scale_tests.rs"]
mod tests;
