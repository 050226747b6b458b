//! Silence an alert, and expire a silence agentdeck made: writes to Alertmanager, planned,
//! confirmed, refused in read-only mode and audited like every write. The matchers are the
//! labels that identify the firing alert (those every firing instance of it shares, so one
//! silence covers it and nothing else); the comment says "via agentdeck by USER: …". No
//! label whose name looks secret goes into a matcher, and a comment that looks like it holds
//! a credential is refused.

use std::time::Duration;

use jiff::Timestamp;

use super::{OpError, Ops};
use crate::alerts::model::COMMENT_PREFIX;
use crate::alerts::{Alert, AlertsClient, AlertsError, Matcher, NewSilence, Silence};

/// The longest silence agentdeck makes: a longer one hides the next incident.
const LONGEST: Duration = Duration::from_secs(30 * 86400);

/// A silence, ready to confirm.
#[derive(Debug, Clone)]
pub struct SilencePlan {
    pub client: AlertsClient,
    pub alertname: String,
    /// How many firing alerts it covers.
    pub covers: usize,
    pub silence: NewSilence,
    /// As typed ("2h").
    pub length: String,
}

/// An expiry of one of agentdeck's silences, ready to confirm.
#[derive(Debug, Clone)]
pub struct ExpirePlan {
    pub client: AlertsClient,
    pub silence: Silence,
}

impl From<AlertsError> for OpError {
    fn from(e: AlertsError) -> OpError {
        match e {
            AlertsError::NoSilences => OpError::Invalid(e.to_string()),
            AlertsError::Http { status: 404, .. } => OpError::NotFound(e.to_string()),
            AlertsError::Http { status: 400, .. } => OpError::Invalid(e.to_string()),
            AlertsError::Unreachable { .. } => OpError::Unreachable(e.to_string()),
            other => OpError::Api(other.to_string()),
        }
    }
}

/// "2h", "30m", "1d", "90s": more than 0, at most 30 days.
pub fn parse_length(s: &str) -> Result<Duration, OpError> {
    crate::quantity::duration(s)
        .filter(|d| !d.is_zero() && *d <= LONGEST)
        .ok_or_else(|| {
            OpError::Invalid(format!(
                "silence length {s:?}: give a duration like 30m, 2h or 1d (at most 30 days); nothing was sent"
            ))
        })
}

/// A word of 24 or more characters mixing letters and digits (an API key, a token) or a
/// provider key's prefix: text that should not be stored in Alertmanager for all to read.
fn looks_like_a_credential(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '"' || c == '\'')
        .any(|w| {
            let long = w.len() >= 24
                && w.chars().any(|c| c.is_ascii_digit())
                && w.chars().any(|c| c.is_ascii_alphabetic())
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./+=".contains(c));
            long || (w.starts_with("sk-") && w.len() > 10)
        })
}

/// Who is silencing: the login, else the kubeconfig user.
fn user(ops: &Ops) -> String {
    std::env::var("USER")
        .ok()
        .map(|u| crate::text::printable(u.trim()))
        .filter(|u| !u.is_empty())
        .or_else(|| Some(ops.conn.user.clone()).filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// The labels every one of `firing` has with the same value (alertname and namespace at
/// least), as equality matchers.
fn common_matchers(firing: &[&Alert]) -> Vec<Matcher> {
    let Some(first) = firing.first() else {
        return Vec::new();
    };
    first
        .identity()
        .into_iter()
        .filter(|(k, v)| firing.iter().all(|a| a.label(k) == Some(v.as_str())))
        .map(|(k, v)| Matcher::equal(&k, &v))
        .collect()
}

/// The alertmanager of `ops`, or why there is none.
fn alertmanager(ops: &Ops) -> Result<AlertsClient, OpError> {
    match &ops.alertmanager {
        Ok(Some(c)) => Ok(c.clone()),
        Ok(None) => Err(AlertsError::NoSilences.into()),
        Err(e) => Err(OpError::Invalid(e.to_string())),
    }
}

/// Plan a silence of the alert `alertname` firing in the namespace, for `length`.
pub async fn plan(
    ops: &Ops,
    alertname: &str,
    length: &str,
    comment: &str,
) -> Result<SilencePlan, OpError> {
    let d = parse_length(length)?;
    if looks_like_a_credential(comment) {
        return Err(OpError::Invalid(
            "the comment looks like it holds a credential (a long token): say what happened in words; nothing was sent".into(),
        ));
    }
    let client = alertmanager(ops)?;
    let ns = &ops.conn.namespace;
    let alerts = client.alerts(ns).await?;
    let firing: Vec<&Alert> = alerts
        .iter()
        .filter(|a| a.name == alertname && a.is_firing())
        .collect();
    if firing.is_empty() {
        return Err(OpError::NotFound(format!(
            "no alert {alertname} is firing in namespace {ns} at {}",
            client.label()
        )));
    }
    let who = user(ops);
    let text = crate::text::printable(comment.trim());
    let now = Timestamp::now();
    let silence = NewSilence {
        matchers: common_matchers(&firing),
        starts_at: now,
        ends_at: now + jiff::SignedDuration::try_from(d).unwrap_or_default(),
        created_by: who.clone(),
        comment: if text.is_empty() {
            format!("{COMMENT_PREFIX}{who}")
        } else {
            format!("{COMMENT_PREFIX}{who}: {text}")
        },
    };
    Ok(SilencePlan {
        client,
        alertname: alertname.to_string(),
        covers: firing.len(),
        silence,
        length: length.trim().to_string(),
    })
}

impl SilencePlan {
    pub fn describe(&self, place: &str) -> String {
        format!(
            "silence {} ({} firing in {place}) for {}, until {}, at {}",
            self.alertname,
            self.covers,
            self.length,
            self.silence.ends_at.strftime("%H:%M UTC"),
            self.client.label(),
        )
    }

    /// The matchers and the comment, in full.
    pub fn details(&self) -> Vec<String> {
        let m: Vec<String> = self.silence.matchers.iter().map(Matcher::text).collect();
        vec![
            format!("matchers {{{}}}", m.join(", ")),
            format!("comment {:?}", self.silence.comment),
        ]
    }
}

/// Create the silence: "silenced X until HH:MM UTC (silence ID)"; one audit line with
/// the silence's id.
pub async fn apply(ops: &Ops, p: &SilencePlan) -> Result<String, OpError> {
    let result = match p.client.create_silence(&p.silence).await {
        Ok(id) => Ok(format!(
            "silenced {} until {} (silence {id})",
            p.alertname,
            p.silence.ends_at.strftime("%H:%M UTC")
        )),
        Err(e) => Err(OpError::from(e)),
    };
    ops.record("silence-alert", &format!("alert/{}", p.alertname), &result);
    result
}

/// Plan the expiry of silence `id`: it must exist, be active or pending, and be agentdeck's.
pub async fn plan_expire(ops: &Ops, id: &str) -> Result<ExpirePlan, OpError> {
    let client = alertmanager(ops)?;
    let silence = client.silence(id).await?;
    if !silence.by_agentdeck() {
        return Err(OpError::Invalid(format!(
            "silence {id} was made by {} outside agentdeck: expire it in Alertmanager itself; nothing was sent",
            crate::text::printable(&silence.created_by)
        )));
    }
    if silence.state == "expired" {
        return Err(OpError::Invalid(format!(
            "silence {id} has already expired; nothing was sent"
        )));
    }
    Ok(ExpirePlan { client, silence })
}

impl ExpirePlan {
    pub fn describe(&self) -> String {
        let m: Vec<String> = self.silence.matchers.iter().map(Matcher::text).collect();
        format!(
            "expire silence {} ({}, {}) at {}: its alerts notify again",
            self.silence.id,
            m.join(", "),
            self.silence.who_until(),
            self.client.label()
        )
    }
}

pub async fn apply_expire(ops: &Ops, p: &ExpirePlan) -> Result<String, OpError> {
    let id = &p.silence.id;
    let result = match p.client.expire_silence(id).await {
        Ok(()) => Ok(format!("silence {id} expired")),
        Err(e) => Err(OpError::from(e)),
    };
    ops.record("expire-silence", &format!("silence/{id}"), &result);
    result
}

#[cfg(test)]
#[path = "silence_tests.rs"]
mod tests;
