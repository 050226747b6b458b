//! The alerts the dashboard shows beside its own detections: where they come from, the
//! last reading (or why it failed), and how an alert and a problem of agentdeck's are the
//! same thing (the `agentdeck_problem` label `agentdeck rules` gives each rule).

use jiff::Timestamp;

use crate::alerts::{Alert, AlertState, AlertsReading, Fetched, Silence};
use crate::problems::Problem;

/// What the dashboard knows of the alerts.
#[derive(Debug, Clone, Default)]
pub struct AlertsState {
    /// Where they come from ("alertmanager http://…"); None: nowhere is configured.
    pub source: Option<String>,
    /// Silences can be made (the source is Alertmanager).
    pub can_silence: bool,
    /// Why they cannot be read now (setup, or the last reading).
    pub error: Option<String>,
    pub fetched: Option<Fetched>,
    pub at: Option<Timestamp>,
    /// The silence length the dialog offers (`[alertmanager] silence_for`).
    pub silence_for: String,
}

/// Is problem `id` (e.g. "oom/agents") the one an alert labelled `agentdeck_problem =
/// label` is about? Timeouts the egress check explains are the timeouts alert.
pub fn same(id: &str, label: &str) -> bool {
    id == label
        || id
            .strip_prefix(label)
            .is_some_and(|rest| rest.starts_with('/'))
        || (id == "egress-blocked" && label == "provider-timeouts")
}

impl AlertsState {
    /// Take a reading of `shown` (the namespace on screen; another's is dropped).
    pub fn receive(&mut self, shown: &str, r: AlertsReading) -> bool {
        if r.namespace != shown {
            return false;
        }
        self.at = Some(r.at);
        match r.result {
            Ok(mut f) => {
                crate::alerts::model::sort(&mut f.alerts);
                self.error = None;
                self.fetched = Some(f);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        true
    }

    /// The namespace changed: its alerts are not these.
    pub fn forget(&mut self) {
        self.fetched = None;
        self.at = None;
    }

    pub fn alerts(&self) -> &[Alert] {
        self.fetched.as_ref().map_or(&[], |f| f.alerts.as_slice())
    }

    pub fn silences(&self) -> &[Silence] {
        self.fetched.as_ref().map_or(&[], |f| f.silences.as_slice())
    }

    /// The firing alert that is problem `id`, if one is.
    pub fn for_problem(&self, id: &str) -> Option<&Alert> {
        self.alerts()
            .iter()
            .filter(|a| a.is_firing())
            .find(|a| a.problem().is_some_and(|l| same(id, l)))
    }

    /// Firing alerts none of `problems` is: agentdeck has no detection for them, or does
    /// not see it now.
    pub fn unmatched<'a>(&'a self, problems: &[Problem]) -> Vec<&'a Alert> {
        self.alerts()
            .iter()
            .filter(|a| a.is_firing())
            .filter(|a| {
                !a.problem()
                    .is_some_and(|l| problems.iter().any(|p| same(&p.id, l)))
            })
            .collect()
    }

    /// The silence that mutes `a`, if one does.
    pub fn silence_of(&self, a: &Alert) -> Option<&Silence> {
        self.silences()
            .iter()
            .find(|s| a.silenced_by.contains(&s.id))
    }

    /// The strip's shorter words: "firing since 03:02 UTC", "silenced until 05:02 UTC".
    pub fn short_state(&self, a: &Alert) -> String {
        match (a.state, self.silence_of(a).and_then(|s| s.ends_at)) {
            (AlertState::Silenced, Some(until)) => {
                format!("silenced until {}", until.strftime("%H:%M UTC"))
            }
            _ => self.state_words(a),
        }
    }

    /// "firing since 03:02 UTC", "silenced by alice until 05:02 UTC", "pending".
    pub fn state_words(&self, a: &Alert) -> String {
        crate::alerts::model::state_words(a, self.silences())
    }
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
