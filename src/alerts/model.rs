//! Alerts and silences as agentdeck reads them, from Alertmanager's API v2
//! (`api/v2/openapi.yaml`: `gettableAlert`, `gettableSilence`) or Prometheus' own
//! `/api/v1/alerts` (`labels`, `annotations`, `state`, `activeAt`). Pure: no I/O.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

/// Where an alert stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    /// Firing and notifying.
    Firing,
    /// Its condition holds, its `for:` has not passed (Prometheus only).
    Pending,
    /// Firing, silenced by these silences.
    Silenced,
    /// Firing, inhibited by other alerts.
    Inhibited,
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub name: String,
    pub state: AlertState,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// When it started firing (Alertmanager's startsAt, Prometheus' activeAt).
    pub since: Option<Timestamp>,
    /// The silences that mute it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub silenced_by: Vec<String>,
    /// Alertmanager's fingerprint (None from Prometheus).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl Alert {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels.get(name).map(String::as_str)
    }

    pub fn annotation(&self, name: &str) -> Option<&str> {
        self.annotations
            .get(name)
            .map(String::as_str)
            .filter(|s| !s.trim().is_empty())
    }

    /// "critical", "warning", "info" … as labelled; "none" when it has no severity.
    pub fn severity(&self) -> &str {
        self.label("severity").unwrap_or("none")
    }

    pub fn is_critical(&self) -> bool {
        self.severity().eq_ignore_ascii_case("critical")
    }

    /// The problem of agentdeck's it is (the `agentdeck_problem` label of `agentdeck rules`).
    pub fn problem(&self) -> Option<&str> {
        self.label("agentdeck_problem")
    }

    /// What it says, shortest first: summary, else description, else the name.
    pub fn summary(&self) -> &str {
        self.annotation("summary")
            .or_else(|| self.annotation("description"))
            .unwrap_or(&self.name)
    }

    pub fn runbook_url(&self) -> Option<&str> {
        self.annotation("runbook_url")
    }

    /// Firing (notifying or muted), not pending.
    pub fn is_firing(&self) -> bool {
        self.state != AlertState::Pending
    }

    /// The labels that say which alert it is, as `name="value"` pairs, for a silence's
    /// matchers: every label but those whose name looks secret (never sent anywhere).
    pub fn identity(&self) -> Vec<(String, String)> {
        self.labels
            .iter()
            .filter(|(k, _)| !crate::config::Headers::looks_secret(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Where `a` stands, in words, with `silences` (those that may mute it): "firing since
/// 03:02 UTC", "pending since …", "inhibited", "silenced by alice until 05:02 UTC".
pub fn state_words(a: &Alert, silences: &[Silence]) -> String {
    let since = a
        .since
        .map(|t| format!(" since {}", t.strftime("%H:%M UTC")))
        .unwrap_or_default();
    match a.state {
        AlertState::Firing => format!("firing{since}"),
        AlertState::Pending => format!("pending{since}"),
        AlertState::Inhibited => "inhibited".into(),
        AlertState::Silenced => {
            let by: Vec<String> = silences
                .iter()
                .filter(|s| a.silenced_by.contains(&s.id))
                .map(Silence::who_until)
                .collect();
            if by.is_empty() {
                "silenced".into()
            } else {
                format!("silenced by {}", by.join(", "))
            }
        }
    }
}

/// Critical alerts firing, neither silenced nor inhibited: the ones nobody hears yet.
pub fn firing_critical(alerts: &[Alert]) -> usize {
    alerts
        .iter()
        .filter(|a| a.is_critical() && a.state == AlertState::Firing)
        .count()
}

/// Critical first, then firing before muted and pending, then by name.
pub fn sort(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| {
        (!a.is_critical(), a.state != AlertState::Firing, &a.name).cmp(&(
            !b.is_critical(),
            b.state != AlertState::Firing,
            &b.name,
        ))
    });
}

/// One equality or regex matcher of a silence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

impl Matcher {
    pub fn equal(name: &str, value: &str) -> Matcher {
        Matcher {
            name: name.into(),
            value: value.into(),
            is_regex: false,
            is_equal: true,
        }
    }

    /// `name="value"`, `name=~"re"`, `name!="value"`, as Alertmanager prints them.
    pub fn text(&self) -> String {
        let op = match (self.is_regex, self.is_equal) {
            (false, true) => "=",
            (false, false) => "!=",
            (true, true) => "=~",
            (true, false) => "!~",
        };
        format!("{}{op}{:?}", self.name, self.value)
    }
}

/// The comment every silence agentdeck makes starts with (how agentdeck knows its own).
pub const COMMENT_PREFIX: &str = "via agentdeck by ";

/// One silence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    pub id: String,
    /// active, pending or expired.
    pub state: String,
    pub matchers: Vec<Matcher>,
    pub starts_at: Option<Timestamp>,
    pub ends_at: Option<Timestamp>,
    pub created_by: String,
    pub comment: String,
}

impl Silence {
    pub fn is_active(&self) -> bool {
        self.state == "active"
    }

    /// Made by agentdeck (its comment says so).
    pub fn by_agentdeck(&self) -> bool {
        self.comment.starts_with(COMMENT_PREFIX)
    }

    /// "alice until 05:02 UTC": who silenced, until when.
    pub fn who_until(&self) -> String {
        match self.ends_at {
            Some(t) => format!("{} until {}", self.created_by, t.strftime("%H:%M UTC")),
            None => self.created_by.clone(),
        }
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
