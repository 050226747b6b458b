//! One operation, whichever face asked for it: a `Request` is planned (read-only check,
//! validation, reads, RBAC, provider check) into a `Plan` that carries the connection it
//! was made on; the face confirms the plan's question; `execute` runs it on exactly that
//! connection, reporting typed `Progress` and ending in an `Outcome`. Every refusal and
//! every write leaves one audit line.

use k8s_openapi::api::core::v1::Secret as KubeSecret;
use kube::Api;

use super::delete_pod::{self, DeletePlan};
use super::deploy::{self, Change, Item};
use super::deploy_only;
use super::progress::{ObjectResult, Progress};
use super::request::{Operation, Request};
use super::restart::{self, Rollout};
use super::rotate::{self, RotatePlan};
use super::scale::{self, ScalePlan};
use super::set_resources::{self, ResourcesPlan};
use super::silence::{self, ExpirePlan, SilencePlan};
use super::target::WorkloadRef;
use super::{OpError, Ops};
use crate::secret::Secret;

/// A checked write, ready to confirm; it runs on `ops.conn` and nowhere else. Only
/// [`plan`] makes one, so what it established (the write policy, validation, RBAC) holds
/// when [`execute`] runs it.
#[derive(Debug, Clone)]
pub struct Plan {
    ops: Ops,
    kind: PlanKind,
}

#[derive(Debug, Clone)]
pub enum PlanKind {
    Scale(ScalePlan),
    Restart {
        workload: WorkloadRef,
        wait: bool,
    },
    Rotate {
        plan: Box<RotatePlan>,
        key: Secret,
        /// The provider accepted the key.
        verified: bool,
    },
    Deploy {
        items: Vec<Item>,
        force: bool,
        /// The `--only` entries (empty: the whole stack).
        only: Vec<String>,
        /// Only to be shown (`--dry-run`, read-only mode): never carried out.
        preview: bool,
    },
    SetResources(ResourcesPlan),
    DeletePod(DeletePlan),
    Silence(SilencePlan),
    ExpireSilence(ExpirePlan),
}

/// How a confirmed operation ended (errors before the write are `OpError`s).
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Everything done.
    Done(String),
    /// The write landed, but what should follow did not finish (a rollout's deadline, the
    /// timeout, an object of a deploy).
    Incomplete(String),
    /// The object changed since the plan read it (409): here is a fresh plan; ask again.
    AskAgain { reason: String, plan: Box<Plan> },
}

impl Plan {
    /// Where it runs, with what policy.
    pub fn ops(&self) -> &Ops {
        &self.ops
    }

    pub fn kind(&self) -> &PlanKind {
        &self.kind
    }

    /// A plan made without asking anyone, for the faces' own tests.
    #[cfg(test)]
    pub(crate) fn unchecked(ops: Ops, kind: PlanKind) -> Plan {
        Plan { ops, kind }
    }

    pub fn operation(&self) -> Operation {
        match &self.kind {
            PlanKind::Scale(_) => Operation::Scale,
            PlanKind::Restart { .. } => Operation::Restart,
            PlanKind::Rotate { .. } => Operation::RotateKey,
            PlanKind::Deploy { .. } => Operation::Deploy,
            PlanKind::SetResources(_) => Operation::SetResources,
            PlanKind::DeletePod(_) => Operation::DeletePod,
            PlanKind::Silence(_) => Operation::SilenceAlert,
            PlanKind::ExpireSilence(_) => Operation::ExpireSilence,
        }
    }

    /// The confirmation question: what will change, and where (namespace and context).
    pub fn question(&self) -> String {
        let place = self.ops.place();
        match &self.kind {
            PlanKind::Scale(p) => p.describe(&place),
            PlanKind::Restart { workload, .. } => {
                format!("rollout restart {} in {place}", workload.words())
            }
            PlanKind::Rotate { plan, verified, .. } => format!(
                "{}{} in {place}",
                if *verified {
                    "the provider accepts the key: "
                } else {
                    ""
                },
                plan.describe()
            ),
            PlanKind::Deploy {
                items, force, only, ..
            } => deploy::question(items, *force, only, &self.ops),
            PlanKind::SetResources(p) => p.describe(&place),
            PlanKind::DeletePod(p) => p.describe(&place),
            PlanKind::Silence(p) => p.describe(&place),
            PlanKind::ExpireSilence(p) => p.describe(),
        }
    }

    /// Lines that explain the plan in full (a deploy's per-object plan with the changed
    /// fields' values, a set-resources' changes); may be empty.
    pub fn details(&self) -> Vec<String> {
        match &self.kind {
            PlanKind::Deploy { items, .. } => items.iter().flat_map(deploy::detail_lines).collect(),
            PlanKind::SetResources(p) => p.details(),
            PlanKind::Silence(p) => p.details(),
            _ => Vec::new(),
        }
    }

    /// Some(why) when the plan would write nothing (every value already live): the faces
    /// say so instead of asking.
    pub fn nothing_to_do(&self) -> Option<String> {
        match &self.kind {
            PlanKind::SetResources(p) if p.changes.is_empty() => {
                Some(p.nothing_to_do(&self.ops.place()))
            }
            PlanKind::Scale(p) => p.nothing_to_do(&self.ops.place()),
            // A restore of objects that already are as the stack declares them.
            PlanKind::Deploy { items, only, .. }
                if !only.is_empty() && items.iter().all(|i| i.change == Change::Unchanged) =>
            {
                Some(format!(
                    "nothing to do: {} already as the stack declares {}",
                    only.join(", "),
                    if only.len() == 1 { "it" } else { "them" }
                ))
            }
            _ => None,
        }
    }

    /// Did the plan find problems it cannot carry out (a deploy's failed dry runs)?
    pub fn has_errors(&self) -> bool {
        match &self.kind {
            PlanKind::Deploy { items, .. } => items
                .iter()
                .any(|i| matches!(i.change, Change::Error(_) | Change::Conflict(_))),
            _ => false,
        }
    }

    /// Does a deploy's dry run conflict with another field manager (a forced apply would
    /// take the fields over)? The faces say how to force, each in its own syntax.
    pub fn has_conflicts(&self) -> bool {
        match &self.kind {
            PlanKind::Deploy { items, .. } => items
                .iter()
                .any(|i| matches!(i.change, Change::Conflict(_))),
            _ => false,
        }
    }

    /// The line shown while it runs, before its first progress event.
    pub fn running(&self) -> String {
        match &self.kind {
            PlanKind::Scale(p) => format!("scaling {} to {}…", p.workload.name, p.replicas),
            PlanKind::Restart { workload, .. } => format!("restarting {}…", workload.name),
            PlanKind::Rotate { plan, .. } => format!("rotating the key in {}…", plan.secret),
            PlanKind::Deploy { items, .. } => format!("deploying {} objects…", items.len()),
            PlanKind::SetResources(p) => format!(
                "setting the resources of {} ({})…",
                p.workload.name, p.container
            ),
            PlanKind::DeletePod(p) => format!("deleting pod {}…", p.pod),
            PlanKind::Silence(p) => format!("silencing {}…", p.alertname),
            PlanKind::ExpireSilence(p) => format!("expiring silence {}…", p.silence.id),
        }
    }
}

/// Check a request and read what it needs: read-only, validation, reads, RBAC, the
/// provider. A refusal is audited.
pub async fn plan(ops: &Ops, req: Request) -> Result<Plan, OpError> {
    let (name, target) = (req.operation().name(), req.target(ops));
    let r = plan_checked(ops, req).await;
    if let Err(e) = &r {
        ops.record(name, &target, &Err(e.clone()));
    }
    r
}

async fn plan_checked(ops: &Ops, req: Request) -> Result<Plan, OpError> {
    if !matches!(&req, Request::Deploy(a) if a.dry_run) {
        ops.refuse_if_read_only()?;
        ops.audit.require()?;
    }
    // Which cluster this is, for the audit line (read once per connection).
    ops.conn.uid.get(&ops.conn.client).await;
    let kind = match req {
        Request::Scale { workload, replicas } => {
            let p = scale::plan(ops, &workload, &replicas).await?;
            ops.check_access(&p.accesses()).await?;
            PlanKind::Scale(p)
        }
        Request::Restart { workload, wait } => {
            restart::check_exists(ops, &workload).await?;
            ops.check_access(&restart::accesses(&workload)).await?;
            PlanKind::Restart { workload, wait }
        }
        Request::RotateKey { key, verify } => {
            rotate::check_key(&key)?;
            let plan = rotate::plan(ops).await?;
            ops.check_access(&plan.accesses()).await?;
            if verify {
                rotate::verify(&ops.stack.provider_base_url, &key).await?;
            }
            PlanKind::Rotate {
                plan: Box::new(plan),
                key,
                verified: verify,
            }
        }
        Request::Deploy(a) => {
            let mut docs = deploy::load(a.manifests.as_deref(), &ops.stack)?;
            if a.manifests.is_none() {
                // The runbook as alert rules, where the cluster serves PrometheusRule.
                docs.push(crate::manifests::Document {
                    file: "agentdeck rules".into(),
                    line: 1,
                    object: ops.rule_object.clone(),
                });
            }
            let docs = deploy_only::select(docs, &a.only)?;
            // A restore takes the fields back: that is its point.
            let force = a.force_conflicts || !a.only.is_empty();
            let items = deploy::plan(ops, docs, force).await?;
            PlanKind::Deploy {
                items,
                force,
                only: a.only,
                preview: a.dry_run,
            }
        }
        Request::SetResources {
            workload,
            resources: r,
        } => {
            let (c, wait) = (r.container.as_deref(), !r.no_wait);
            PlanKind::SetResources(set_resources::plan(ops, &workload, c, r.given(), wait).await?)
        }
        Request::DeletePod { pod } => PlanKind::DeletePod(delete_pod::plan(ops, &pod).await?),
        Request::SilenceAlert {
            alertname,
            length,
            comment,
        } => PlanKind::Silence(silence::plan(ops, &alertname, &length, &comment).await?),
        Request::ExpireSilence { id } => {
            PlanKind::ExpireSilence(silence::plan_expire(ops, &id).await?)
        }
    };
    Ok(Plan {
        ops: ops.clone(),
        kind,
    })
}

/// Carry out a confirmed plan on the connection it was made on.
pub async fn execute(
    plan: Plan,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Outcome, OpError> {
    let Plan { ops, kind } = plan;
    match kind {
        PlanKind::Scale(p) => scale_and_wait(ops, p, progress).await,
        PlanKind::Restart { workload, wait } => {
            let at = restart::restart(&ops, &workload).await?;
            let wrote = format!("{} restarted ({at})", workload.dotted());
            if !wait {
                return Ok(Outcome::Done(wrote));
            }
            progress(Progress::Wrote(wrote));
            Ok(match follow_rollouts(&ops, &[workload], progress).await {
                Ok(mut done) => Outcome::Done(done.pop().unwrap_or_default()),
                Err(why) => Outcome::Incomplete(why),
            })
        }
        PlanKind::Rotate {
            plan,
            key,
            verified,
        } => rotate_and_restart(ops, plan, key, verified, progress).await,
        PlanKind::SetResources(p) => set_resources_and_follow(ops, p, progress).await,
        PlanKind::DeletePod(p) => Ok(Outcome::Done(delete_pod::apply(&ops, &p).await?)),
        PlanKind::Silence(p) => Ok(Outcome::Done(silence::apply(&ops, &p).await?)),
        PlanKind::ExpireSilence(p) => Ok(Outcome::Done(silence::apply_expire(&ops, &p).await?)),
        PlanKind::Deploy { preview: true, .. } => Err(OpError::Invalid(
            "a preview is only shown, never applied: plan the deploy again without --dry-run"
                .into(),
        )),
        PlanKind::Deploy {
            items, force, only, ..
        } => {
            let results = deploy::apply(&ops, &items, force, progress).await;
            let failed: Vec<String> = items
                .iter()
                .zip(&results)
                .filter_map(|(i, r)| match r {
                    ObjectResult::Failed(e) => Some(format!("{}: {e}", i.display)),
                    _ => None,
                })
                .collect();
            let applied = results
                .iter()
                .filter(|r| matches!(r, ObjectResult::Applied(_)))
                .count();
            let (verb, note) = if only.is_empty() {
                ("deployed", missing_secret_note(&ops).await)
            } else {
                ("restored", String::new())
            };
            Ok(if failed.is_empty() {
                Outcome::Done(format!("{verb}: {applied} objects applied{note}"))
            } else {
                Outcome::Incomplete(format!(
                    "deploy: {applied} applied, failed: {}{note}",
                    failed.join("; ")
                ))
            })
        }
    }
}

/// The scale, then the wait for its replicas. Scaled meanwhile by someone else: read
/// again, say so, ask again.
async fn scale_and_wait(
    ops: Ops,
    p: ScalePlan,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Outcome, OpError> {
    let done = match scale::apply(&ops, &p).await {
        // Scaled meanwhile by someone else: read again, say so, ask again.
        Err(OpError::Conflict(reason)) => {
            let again = scale::plan(&ops, &p.workload, &p.replicas.to_string()).await?;
            ops.check_access(&again.accesses()).await?;
            return Ok(Outcome::AskAgain {
                reason,
                plan: Box::new(Plan {
                    ops,
                    kind: PlanKind::Scale(again),
                }),
            });
        }
        other => other?,
    };
    progress(Progress::Wrote(format!(
        "{} scaled: {done}",
        p.workload.dotted()
    )));
    Ok(
        match scale::wait_ready(&ops, &p.workload, p.want(), progress).await {
            Ok(n) => Outcome::Done(p.done(n)),
            Err(e) => Outcome::Incomplete(e.to_string()),
        },
    )
}

/// The apply of a set-resources, then (unless not wanted) the rollout it starts. A plan
/// with nothing to change writes nothing.
async fn set_resources_and_follow(
    ops: Ops,
    p: ResourcesPlan,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Outcome, OpError> {
    if p.changes.is_empty() {
        return Ok(Outcome::Done(p.nothing_to_do(&ops.place())));
    }
    let done = set_resources::apply(&ops, &p).await?;
    if !p.wait {
        return Ok(Outcome::Done(done));
    }
    progress(Progress::Wrote(done.clone()));
    Ok(
        match follow_rollouts(&ops, std::slice::from_ref(&p.workload), progress).await {
            Ok(rolled) => Outcome::Done(format!("{done}; {}", rolled.join("; "))),
            Err(why) => Outcome::Incomplete(format!("{done}, but {why}")),
        },
    )
}

/// The one write of a rotation, then a restart of every reader and one wait for all of
/// them. A concurrent change of the Secret is read again and asked about again.
async fn rotate_and_restart(
    ops: Ops,
    plan: Box<RotatePlan>,
    key: Secret,
    verified: bool,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Outcome, OpError> {
    let done = match rotate::write_key(&ops, &plan, &key).await {
        Err(OpError::Conflict(reason)) => {
            let again = rotate::plan(&ops).await?;
            ops.check_access(&again.accesses()).await?;
            return Ok(Outcome::AskAgain {
                reason,
                plan: Box::new(Plan {
                    ops,
                    kind: PlanKind::Rotate {
                        plan: Box::new(again),
                        key,
                        verified,
                    },
                }),
            });
        }
        other => other?,
    };
    progress(Progress::Wrote(done.clone()));
    if plan.readers.is_empty() {
        return Ok(Outcome::Done(format!(
            "{done}; restarted nothing (no reader)"
        )));
    }
    let mut restarted = Vec::new();
    for d in &plan.readers {
        let w = WorkloadRef::deployment(d);
        match restart::restart(&ops, &w).await {
            Ok(at) => {
                progress(Progress::Wrote(format!("{} restarted ({at})", w.dotted())));
                restarted.push(w);
            }
            Err(e) => {
                return Ok(Outcome::Incomplete(format!(
                    "{done}, but the restart of {d} failed: {e}"
                )));
            }
        }
    }
    Ok(match follow_rollouts(&ops, &restarted, progress).await {
        Ok(_) => {
            let names: Vec<&str> = restarted.iter().map(|w| w.name.as_str()).collect();
            Outcome::Done(format!("{done}; restarted {}", names.join(", ")))
        }
        Err(why) => Outcome::Incomplete(format!("{done}, but {why}")),
    })
}

/// Follow the rollouts of `workloads` within one deadline (the ops' timeout); Ok: each
/// one's "successfully rolled out", Err: why one did not finish.
async fn follow_rollouts(
    ops: &Ops,
    workloads: &[WorkloadRef],
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Vec<String>, String> {
    let deadline = tokio::time::Instant::now() + ops.timeout;
    let mut done = Vec::new();
    for w in workloads {
        let d = &w.name;
        match restart::wait(ops, w, deadline, &mut *progress).await {
            Ok(Rollout::Done(m)) => {
                progress(Progress::Wrote(m.clone()));
                done.push(m);
            }
            Ok(Rollout::Failed(m) | Rollout::Waiting(m)) => {
                return Err(format!("the rollout of {d} did not complete: {m}"));
            }
            Err(e) => return Err(format!("the rollout of {d} did not complete: {e}")),
        }
    }
    Ok(done)
}

/// No key is ever bundled: say so when the stack's Secret is missing.
async fn missing_secret_note(ops: &Ops) -> String {
    let secrets: Api<KubeSecret> = Api::namespaced(ops.conn.client.clone(), &ops.stack.namespace);
    match secrets.get_opt(&ops.stack.secret).await {
        Ok(None) => format!(
            "; note: Secret {} does not exist in {}: the agents answer 401 until it does. Create it with: agentdeck rotate-key (or :rotate-key in the dashboard)",
            ops.stack.secret, ops.stack.namespace
        ),
        _ => String::new(),
    }
}
