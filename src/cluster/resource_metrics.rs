//! The resource metrics API (metrics.k8s.io, served by metrics-server through an
//! APIService): is it there, and what working set do the namespace's pods use? Read the
//! way kubectl top reads it: the PodMetrics list; when that fails, discovery and the
//! APIService's Available condition say why.

use std::time::Duration;

use serde_json::Value;

use super::connect::Connection;
use super::model::{MetricsApi, ResourceMetrics};
use crate::quantity::value as quantity;
use crate::text::printable;

const GROUP_VERSION: &str = "/apis/metrics.k8s.io/v1beta1";
const APISERVICE: &str = "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io";
/// How long one question may take.
const TIMEOUT: Duration = Duration::from_secs(5);

/// A GET's answer: the body, or the HTTP status code (0: no answer) and the error text.
async fn get<T: serde::de::DeserializeOwned>(
    client: &kube::Client,
    path: &str,
) -> Result<T, (u16, String)> {
    let req = http::Request::get(path)
        .body(Vec::new())
        .map_err(|e| (0, e.to_string()))?;
    match tokio::time::timeout(TIMEOUT, client.request::<T>(req)).await {
        Err(_) => Err((0, format!("no answer within {}s", TIMEOUT.as_secs()))),
        Ok(Ok(v)) => Ok(v),
        Ok(Err(kube::Error::Api(s))) => Err((s.code, printable(&s.message))),
        Ok(Err(e)) => Err((0, super::explain::explain(&e))),
    }
}

/// A PodMetricsList as far as it is read: decoded straight into these (a generic JSON
/// tree of 10,000 pods' metrics took 30 MiB for a moment, every 15 s).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PodMetricsList {
    #[serde(default)]
    items: Vec<PodMetrics>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct PodMetrics {
    #[serde(default)]
    metadata: Named,
    #[serde(default)]
    containers: Vec<ContainerMetrics>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct Named {
    #[serde(default)]
    name: String,
}

#[derive(Debug, Default, serde::Deserialize)]
struct ContainerMetrics {
    #[serde(default)]
    name: String,
    #[serde(default)]
    usage: Usage,
}

#[derive(Debug, Default, serde::Deserialize)]
struct Usage {
    cpu: Option<String>,
    memory: Option<String>,
}

/// Working sets by (pod, container) from a PodMetricsList.
pub fn working_sets(list: &PodMetricsList) -> std::collections::BTreeMap<(String, String), f64> {
    usage(list, |u| u.memory.as_deref())
}

/// One resource's use (memory in bytes, cpu in cores) by (pod, container).
fn usage(
    list: &PodMetricsList,
    resource: impl Fn(&Usage) -> Option<&str>,
) -> std::collections::BTreeMap<(String, String), f64> {
    let mut out = std::collections::BTreeMap::new();
    for item in &list.items {
        for c in &item.containers {
            if let Some(v) = resource(&c.usage).and_then(quantity) {
                out.insert((item.metadata.name.clone(), c.name.clone()), v);
            }
        }
    }
    out
}

/// Why the APIService is not Available, from its condition (None: unreadable or Available).
pub fn apiservice_reason(apiservice: &Value) -> Option<String> {
    let c = apiservice["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Available")?;
    if c["status"] == "True" {
        return None;
    }
    let reason = c["reason"].as_str().unwrap_or("not available");
    Some(match c["message"].as_str().filter(|m| !m.is_empty()) {
        Some(m) => printable(&format!("APIService v1beta1.metrics.k8s.io {reason}: {m}")),
        None => printable(&format!("APIService v1beta1.metrics.k8s.io {reason}")),
    })
}

/// What the API says for `namespace` now.
pub async fn probe(conn: &Connection) -> ResourceMetrics {
    let pods = format!("{GROUP_VERSION}/namespaces/{}/pods", conn.namespace);
    let first = get::<PodMetricsList>(&conn.client, &pods).await;
    let code = match first {
        Ok(list) => {
            let working_set = working_sets(&list);
            return ResourceMetrics {
                api: MetricsApi::Served,
                peak: working_set.clone(),
                cpu: usage(&list, |u| u.cpu.as_deref()),
                working_set,
            };
        }
        Err((code, _)) => code,
    };
    // Forbidden to read usage: discovery still tells whether the API is served.
    let code = if code == 403 {
        match get::<Value>(&conn.client, GROUP_VERSION).await {
            Ok(_) => {
                return ResourceMetrics {
                    api: MetricsApi::Served,
                    ..Default::default()
                };
            }
            Err((c, _)) => c,
        }
    } else {
        code
    };
    let api = match code {
        404 => MetricsApi::NotInstalled,
        0 => MetricsApi::Unknown,
        _ => {
            let why = match get::<Value>(&conn.client, APISERVICE).await {
                Ok(s) => apiservice_reason(&s),
                Err(_) => None,
            };
            MetricsApi::Unavailable(why.unwrap_or_else(|| {
                format!("metrics.k8s.io answers {code} (the APIService's backend is down)")
            }))
        }
    };
    ResourceMetrics {
        api,
        ..Default::default()
    }
}
