//! Problems over time: when each was first seen (its "since" when the evidence has no
//! time of its own), and the ones that just went away, kept for a while so the engineer
//! who pressed the fix sees it worked.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::{BlindSpot, Problem};

/// How long a cleared problem stays on screen.
pub const CLEARED_SECS: i64 = 5 * 60;

/// A problem that went away, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Cleared {
    pub problem: Problem,
    pub at: Timestamp,
}

#[derive(Debug, Clone, Default)]
pub struct Tracker {
    seen: BTreeMap<String, (Timestamp, Problem)>,
    cleared: Vec<Cleared>,
    /// Every problem gone lately, with when it was first seen: one that comes back (a
    /// signal flickering around its threshold) keeps its "since".
    gone: BTreeMap<String, (Timestamp, Timestamp, Problem)>,
    /// Problems whose signal went blind (a failing query, a Prometheus answering HTML):
    /// not cleared — nobody knows — but held, "cannot tell since", with when it went.
    held: BTreeMap<String, Timestamp>,
}

impl Tracker {
    /// Take this round's problems: fill in `since`, note the ones that cleared, and hold
    /// back those still within their grace period.
    /// `blind`: the checks that cannot be made now; a problem resting on one of them that
    /// is no longer found is held, said as "cannot tell since HH:MM", not cleared.
    pub fn observe(
        &mut self,
        now: Timestamp,
        mut current: Vec<Problem>,
        blind: &[BlindSpot],
    ) -> Vec<Problem> {
        let left: Vec<String> = self
            .seen
            .keys()
            .filter(|id| !current.iter().any(|p| &p.id == *id))
            .cloned()
            .collect();
        let mut held = Vec::new();
        for id in left {
            let why = super::blind::check_of(&id)
                .and_then(|c| blind.iter().find(|b| b.check == c))
                .map(|b| b.why.clone());
            if let (Some(why), Some((first, p))) = (why, self.seen.get(&id)) {
                let since = *self.held.entry(id.clone()).or_insert(now);
                held.push(Self::held_problem(p, *first, since, &why));
                continue;
            }
            self.held.remove(&id);
            if let Some((first, problem)) = self.seen.remove(&id) {
                self.gone.insert(id, (first, now, problem));
            }
        }
        let mut due = std::collections::BTreeSet::new();
        for p in &mut current {
            self.held.remove(&p.id);
            let first = match (self.seen.get(&p.id), self.gone.remove(&p.id)) {
                (Some((t, _)), _) => *t,
                // Back within the window of a cleared note: the same problem goes on — if
                // it was shown (one that stayed within its grace, pods that were starting,
                // was never a problem: a new one starts now).
                (None, Some((t, at, gone)))
                    if now.as_second() - at.as_second() <= CLEARED_SECS
                        && at.as_second() - t.as_second() >= gone.grace_secs =>
                {
                    t
                }
                _ => now,
            };
            self.seen.insert(p.id.clone(), (first, p.clone()));
            if super::due(p, now, first) {
                due.insert(p.id.clone());
            }
            p.since = Some(p.since.map_or(first, |s| s.min(first)));
        }
        self.gone
            .retain(|_, (_, at, _)| now.as_second() - at.as_second() <= CLEARED_SECS);
        self.cleared = self
            .gone
            .values()
            // One never shown (gone within its grace: pods that were starting) is not
            // announced either.
            .filter(|(first, at, p)| at.as_second() - first.as_second() >= p.grace_secs)
            .map(|(_, at, p)| Cleared {
                problem: p.clone(),
                at: *at,
            })
            .collect();
        current.retain(|p| due.contains(&p.id));
        current.extend(held);
        current
    }

    /// A problem last seen `first`, whose signal is blind since `since`: no fix to press on
    /// evidence nobody has.
    fn held_problem(p: &Problem, first: Timestamp, since: Timestamp, why: &str) -> Problem {
        Problem {
            title: format!("{} (cannot tell)", p.title),
            evidence: format!("cannot tell since {}: {why}", since.strftime("%H:%M UTC")),
            since: Some(first),
            fix: None,
            advice: Some(
                "the last evidence is gone, not the problem: see the metrics source".into(),
            ),
            ..p.clone()
        }
    }

    /// The problems that cleared in the last [`CLEARED_SECS`], newest first.
    pub fn cleared(&self) -> Vec<Cleared> {
        let mut v = self.cleared.clone();
        v.sort_by_key(|c| std::cmp::Reverse(c.at));
        v
    }

    /// Problem `id` started at `at` (its history says so): its "since" from now on.
    pub fn backdate(&mut self, id: &str, at: Timestamp) {
        if let Some((first, _)) = self.seen.get_mut(id) {
            *first = (*first).min(at);
        }
    }

    /// Forget everything (a context or namespace switch).
    pub fn clear(&mut self) {
        self.held.clear();
        self.seen.clear();
        self.cleared.clear();
        self.gone.clear();
    }
}

#[cfg(test)]
#[path = "tracker_tests.rs"]
mod tests;
