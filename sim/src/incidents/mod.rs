//! Incidents the sim can stage (`--incident NAME`, `POST /_sim/incident`), each the way a
//! real cluster shows it and, wherever the incident is about objects, through the real
//! objects, so that the real fix really fixes it:
//!
//! | name | staged as | the real fix |
//! |---|---|---|
//! | `bad-key` | Secret `ai-api-keys`/`HOLYSHEEP_API_KEY` set to a revoked key: every request 401 | write a valid key |
//! | `egress-blocked` | NetworkPolicy `default-deny-egress` (all pods, Egress, no rules) created and `allow-holysheep-api`'s TCP 443 edited to 8443: provider calls time out (504 after ~30 s) | re-apply the bundled `allow-holysheep-api` |
//! | `no-metrics-server` | `metrics.k8s.io/v1beta1` answers 503, APIService `v1beta1.metrics.k8s.io` Available=False; the HPA fails with FailedGetResourceMetric and stops scaling | (install metrics-server: turn it off) |
//! | `oom` | the agents leak memory up to ~2.1Gi per container (model flag): OOMKilled, CrashLoopBackOff | raise the memory limit above the working set |
//! | `crashloop` | the Deployment's `HOLYSHEEP_BASE_URL` set to `htps://…`: containers exit 1 and back off | re-apply the bundled Deployment |
//! | `pending` | the Deployment's memory request and limit set to 64Gi: new pods Pending (Insufficient memory) | re-apply the bundled Deployment or lower the request |
//! | `slow-provider` | provider latency × 6 (model flag): p95 far over 2 s, no errors | (turn it off) |
//!
//! Turning an incident off undoes its staging (the bundled values written back). The sim
//! only stages and reports what it staged: the product never reads `/_sim`.

mod stage;

pub use self::stage::stage;
pub use crate::incident::{Active, Incident};

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
