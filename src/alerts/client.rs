//! Reading alerts and writing silences: Alertmanager's API v2 when `[alertmanager] url`
//! (or `--alertmanager-url`) is set — `GET /api/v2/alerts?filter=namespace="NS"` with its
//! silenced and inhibited state, `GET /api/v2/silences`, `POST /api/v2/silences`,
//! `DELETE /api/v2/silence/{id}` (Alertmanager's api/v2/openapi.yaml) — else Prometheus'
//! own `GET /api/v1/alerts` (firing and pending, no silences). The connection options are
//! those of Prometheus ([`crate::endpoint`]). Answers are read up to a bound; errors name
//! the service and say what went wrong, never a credential.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Value, json};

use super::model::{Alert, AlertState, Matcher, Silence};
use crate::config::Config;
use crate::endpoint::{self, Http, SetupError};

/// The largest answer read (a shared Alertmanager may hold thousands of alerts; the
/// namespace filter is applied server-side).
const MAX_ANSWER: usize = 8 << 20;

/// Which API the alerts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Alertmanager,
    /// Prometheus' `/api/v1/alerts`: no silences, no inhibition.
    Prometheus,
}

/// Why alerts or silences could not be read or written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AlertsError {
    #[error("{service} unreachable: {why}")]
    Unreachable { service: &'static str, why: String },
    #[error("{service} answered HTTP {status}: {body}")]
    Http {
        service: &'static str,
        status: u16,
        body: String,
    },
    #[error("unexpected {service} answer: {why}")]
    Decode { service: &'static str, why: String },
    #[error(
        "silences need Alertmanager: set [alertmanager] url in the config or pass --alertmanager-url (Prometheus has no silences)"
    )]
    NoSilences,
}

/// A client of the alerts' source.
#[derive(Debug, Clone)]
pub struct AlertsClient {
    http: Http,
    backend: Backend,
}

/// A silence to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSilence {
    pub matchers: Vec<Matcher>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub created_by: String,
    pub comment: String,
}

impl AlertsClient {
    /// Alertmanager when configured (None: not configured).
    pub fn alertmanager(cfg: &Config) -> Result<Option<AlertsClient>, SetupError> {
        match cfg
            .alertmanager
            .url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(url) => Ok(Some(AlertsClient {
                http: endpoint::connect(url, &cfg.alertmanager.endpoint())?,
                backend: Backend::Alertmanager,
            })),
            None => Ok(None),
        }
    }

    /// Alertmanager when configured, else the Prometheus (`prom_flag` or the config's),
    /// else None: nothing to read alerts from.
    pub fn from_config(
        cfg: &Config,
        prom_flag: Option<&str>,
    ) -> Result<Option<AlertsClient>, SetupError> {
        if let Some(am) = Self::alertmanager(cfg)? {
            return Ok(Some(am));
        }
        let prom = prom_flag.or(cfg.prometheus.url.as_deref());
        match prom.filter(|u| !u.trim().is_empty()) {
            Some(url) => Ok(Some(AlertsClient {
                http: endpoint::connect(url, &cfg.prometheus.endpoint())?,
                backend: Backend::Prometheus,
            })),
            None => Ok(None),
        }
    }

    /// A Prometheus' own alerts (`/api/v1/alerts`), with its connection settings.
    pub fn prometheus(
        url: &str,
        cfg: &crate::config::PrometheusConfig,
    ) -> Result<AlertsClient, SetupError> {
        Ok(AlertsClient {
            http: endpoint::connect(url, &cfg.endpoint())?,
            backend: Backend::Prometheus,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn service(&self) -> &'static str {
        match self.backend {
            Backend::Alertmanager => "alertmanager",
            Backend::Prometheus => "prometheus",
        }
    }

    /// "alertmanager http://…" for panels and messages (credentials masked).
    pub fn label(&self) -> String {
        format!("{} {}", self.service(), self.http.display_url)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.http.base.as_str().trim_end_matches('/'))
    }

    fn unreachable(&self, e: &reqwest::Error) -> AlertsError {
        let why = if e.is_timeout() {
            format!(
                "{}: timed out after {:?}",
                self.http.display_url, self.http.timeout
            )
        } else {
            format!("{}: {}", self.http.display_url, endpoint::error_chain(e))
        };
        AlertsError::Unreachable {
            service: self.service(),
            why,
        }
    }

    /// Send `req` with the credentials; the status and the body (bounded).
    async fn send(&self, mut req: reqwest::RequestBuilder) -> Result<(u16, Vec<u8>), AlertsError> {
        match self.http.auth.header() {
            Ok(Some(h)) => req = req.header(reqwest::header::AUTHORIZATION, h),
            Ok(None) => {}
            Err(what) => {
                return Err(AlertsError::Unreachable {
                    service: self.service(),
                    why: format!("{what} is not a valid header"),
                });
            }
        }
        let mut resp = req.send().await.map_err(|e| self.unreachable(&e))?;
        let status = resp.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.unreachable(&e))? {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(AlertsError::Decode {
                    service: self.service(),
                    why: format!("the answer passed {} MiB", MAX_ANSWER >> 20),
                });
            }
            body.extend_from_slice(&chunk);
        }
        if !(200..300).contains(&status) {
            let text = crate::text::printable(&String::from_utf8_lossy(&body));
            return Err(AlertsError::Http {
                service: self.service(),
                status,
                body: crate::format::clip(text.trim(), 200),
            });
        }
        Ok((status, body))
    }

    fn decode<T: for<'de> Deserialize<'de>>(&self, body: &[u8]) -> Result<T, AlertsError> {
        serde_json::from_slice(body).map_err(|e| AlertsError::Decode {
            service: self.service(),
            why: e.to_string(),
        })
    }

    /// The alerts whose `namespace` label is `namespace`, firing and pending.
    pub async fn alerts(&self, namespace: &str) -> Result<Vec<Alert>, AlertsError> {
        let c = &self.http.client;
        match self.backend {
            Backend::Alertmanager => {
                let filter = format!("namespace=\"{}\"", crate::metrics::scope::escape(namespace));
                let req = c
                    .get(self.url("/api/v2/alerts"))
                    .query(&[("filter", filter)]);
                let (_, body) = self.send(req).await?;
                let raw: Vec<AmAlert> = self.decode(&body)?;
                Ok(raw.into_iter().map(AmAlert::into_alert).collect())
            }
            Backend::Prometheus => {
                let (_, body) = self.send(c.get(self.url("/api/v1/alerts"))).await?;
                let raw: PromAlerts = self.decode(&body)?;
                Ok(raw
                    .data
                    .alerts
                    .into_iter()
                    .filter(|a| a.labels.get("namespace").map(String::as_str) == Some(namespace))
                    .map(PromAlert::into_alert)
                    .collect())
            }
        }
    }

    /// Every silence Alertmanager holds (active, pending and recently expired).
    pub async fn silences(&self) -> Result<Vec<Silence>, AlertsError> {
        if self.backend == Backend::Prometheus {
            return Ok(Vec::new());
        }
        let (_, body) = self
            .send(self.http.client.get(self.url("/api/v2/silences")))
            .await?;
        let raw: Vec<AmSilence> = self.decode(&body)?;
        Ok(raw.into_iter().map(AmSilence::into_silence).collect())
    }

    /// One silence by id.
    pub async fn silence(&self, id: &str) -> Result<Silence, AlertsError> {
        if self.backend == Backend::Prometheus {
            return Err(AlertsError::NoSilences);
        }
        let path = format!("/api/v2/silence/{}", urlencoding(id));
        let (_, body) = self.send(self.http.client.get(self.url(&path))).await?;
        Ok(self.decode::<AmSilence>(&body)?.into_silence())
    }

    /// Create a silence; its id.
    pub async fn create_silence(&self, s: &NewSilence) -> Result<String, AlertsError> {
        if self.backend == Backend::Prometheus {
            return Err(AlertsError::NoSilences);
        }
        let body = json!({
            "matchers": s.matchers,
            "startsAt": s.starts_at.to_string(),
            "endsAt": s.ends_at.to_string(),
            "createdBy": s.created_by,
            "comment": s.comment,
        });
        let req = self
            .http
            .client
            .post(self.url("/api/v2/silences"))
            .json(&body);
        let (_, body) = self.send(req).await?;
        let v: Value = self.decode(&body)?;
        v["silenceID"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| AlertsError::Decode {
                service: self.service(),
                why: "no silenceID in the answer".into(),
            })
    }

    /// Expire a silence now.
    pub async fn expire_silence(&self, id: &str) -> Result<(), AlertsError> {
        if self.backend == Backend::Prometheus {
            return Err(AlertsError::NoSilences);
        }
        let path = format!("/api/v2/silence/{}", urlencoding(id));
        self.send(self.http.client.delete(self.url(&path))).await?;
        Ok(())
    }
}

/// A silence id is a UUID; anything else is escaped rather than trusted in a path.
fn urlencoding(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32 & 0xff)
            }
        })
        .collect()
}

fn time(s: Option<&str>) -> Option<Timestamp> {
    s.and_then(|s| s.parse().ok())
        // Go's zero time: "never".
        .filter(|t: &Timestamp| t.as_second() > 0)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmStatus {
    #[serde(default)]
    state: String,
    #[serde(default)]
    silenced_by: Vec<String>,
    #[serde(default)]
    inhibited_by: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmAlert {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: Option<String>,
    fingerprint: Option<String>,
    status: AmStatus,
}

impl AmAlert {
    fn into_alert(self) -> Alert {
        let state = match self.status.state.as_str() {
            "suppressed" if !self.status.silenced_by.is_empty() => AlertState::Silenced,
            "suppressed" if !self.status.inhibited_by.is_empty() => AlertState::Inhibited,
            _ => AlertState::Firing,
        };
        Alert {
            name: self.labels.get("alertname").cloned().unwrap_or_default(),
            state,
            since: time(self.starts_at.as_deref()),
            labels: self.labels,
            annotations: self.annotations,
            silenced_by: self.status.silenced_by,
            fingerprint: self.fingerprint,
        }
    }
}

#[derive(Deserialize)]
struct PromAlerts {
    data: PromAlertList,
}

#[derive(Deserialize)]
struct PromAlertList {
    #[serde(default)]
    alerts: Vec<PromAlert>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PromAlert {
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    state: String,
    active_at: Option<String>,
}

impl PromAlert {
    fn into_alert(self) -> Alert {
        Alert {
            name: self.labels.get("alertname").cloned().unwrap_or_default(),
            state: if self.state == "pending" {
                AlertState::Pending
            } else {
                AlertState::Firing
            },
            since: time(self.active_at.as_deref()),
            labels: self.labels,
            annotations: self.annotations,
            silenced_by: Vec::new(),
            fingerprint: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmSilence {
    id: String,
    status: AmStatus,
    #[serde(default)]
    matchers: Vec<Matcher>,
    starts_at: Option<String>,
    ends_at: Option<String>,
    #[serde(default)]
    created_by: String,
    #[serde(default)]
    comment: String,
}

impl AmSilence {
    fn into_silence(self) -> Silence {
        Silence {
            id: self.id,
            state: self.status.state,
            matchers: self.matchers,
            starts_at: time(self.starts_at.as_deref()),
            ends_at: time(self.ends_at.as_deref()),
            created_by: self.created_by,
            comment: self.comment,
        }
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
