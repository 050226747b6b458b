//! Problems over time: when each was first seen (its "since" when the evidence has no
//! time of its own), and the ones that just went away, kept for a while so the engineer
//! who pressed the fix sees it worked.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::Problem;

/// How long a cleared problem stays on screen.
pub const CLEARED_SECS: i64 = 5 * 60;
/// A problem gone within this long of appearing (pods starting) is not announced.
pub const NOTABLE_SECS: i64 = 20;

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
}

impl Tracker {
    /// Take this round's problems: fill in `since`, note the ones that cleared.
    pub fn observe(&mut self, now: Timestamp, mut current: Vec<Problem>) -> Vec<Problem> {
        for p in &mut current {
            let first = self.seen.get(&p.id).map(|(t, _)| *t).unwrap_or(now);
            p.since = Some(p.since.map_or(first, |s| s.min(first)));
        }
        let gone: Vec<String> = self
            .seen
            .keys()
            .filter(|id| !current.iter().any(|p| &p.id == *id))
            .cloned()
            .collect();
        for id in gone {
            if let Some((first, problem)) = self.seen.remove(&id) {
                self.cleared.retain(|c| c.problem.id != id);
                if now.as_second() - first.as_second() >= NOTABLE_SECS.max(problem.grace_secs) {
                    self.cleared.push(Cleared { problem, at: now });
                }
            }
        }
        for p in &current {
            let first = self.seen.get(&p.id).map_or(now, |(t, _)| *t);
            self.seen.insert(p.id.clone(), (first, p.clone()));
            // It is back: no longer "cleared".
            self.cleared.retain(|c| c.problem.id != p.id);
        }
        self.cleared
            .retain(|c| now.as_second() - c.at.as_second() <= CLEARED_SECS);
        current.retain(|p| {
            let first = self.seen.get(&p.id).map_or(now, |(t, _)| *t);
            now.as_second() - first.as_second() >= p.grace_secs
        });
        current
    }

    /// The problems that cleared in the last [`CLEARED_SECS`], newest first.
    pub fn cleared(&self) -> Vec<Cleared> {
        let mut v = self.cleared.clone();
        v.sort_by_key(|c| std::cmp::Reverse(c.at));
        v
    }

    /// Forget everything (a context or namespace switch).
    pub fn clear(&mut self) {
        self.seen.clear();
        self.cleared.clear();
    }
}
