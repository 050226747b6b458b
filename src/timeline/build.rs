//! The sources' parts merged into one timeline: kept from `since` on, sorted, and repeated
//! entries of one kind grouped ("OOMKilled × 6 pods") when they come close together.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};

use super::{Entry, Part, Timeline, Zone};

/// Entries of one group further apart than this start a new group.
pub const GROUP_GAP: SignedDuration = SignedDuration::from_mins(5);

/// How many names a group lists before "+N more".
const NAMES_SHOWN: usize = 3;

/// Merge, filter, sort and group.
pub fn build(parts: Vec<Part>, since: Timestamp, until: Timestamp) -> Timeline {
    let mut entries = Vec::new();
    let mut notes = Vec::new();
    for p in parts {
        entries.extend(p.entries.into_iter().filter(|e| e.at >= since));
        notes.extend(p.notes);
    }
    // By the second (the API server's times have no fraction), then by kind.
    entries.sort_by_key(|e| (e.at.as_second(), e.kind));
    Timeline {
        namespace: String::new(),
        context: String::new(),
        since,
        until,
        zone: Zone::Local,
        entries: group(entries),
        notes,
    }
}

/// A group being formed: the first entry, the objects seen, the last time.
struct Group {
    first: Entry,
    objects: Vec<String>,
    last: Timestamp,
    /// How many entries were merged into the first.
    merged: usize,
}

/// Group entries (already sorted) with the same kind and group key within [`GROUP_GAP`].
pub fn group(entries: Vec<Entry>) -> Vec<Entry> {
    let mut out: Vec<Group> = Vec::new();
    for e in entries {
        let open = e.group.as_ref().and_then(|key| {
            out.iter_mut().rev().find(|g| {
                g.first.kind == e.kind
                    && g.first.group.as_ref() == Some(key)
                    && e.at.duration_since(g.last) <= GROUP_GAP
            })
        });
        match open {
            Some(g) => {
                g.first.count += e.count;
                g.first.warning |= e.warning;
                g.last = e.at;
                g.merged += 1;
                if !g.objects.contains(&e.object) {
                    g.objects.push(e.object);
                }
            }
            None => out.push(Group {
                objects: vec![e.object.clone()],
                last: e.at,
                first: e,
                merged: 0,
            }),
        }
    }
    out.into_iter().map(finish).collect()
}

fn finish(g: Group) -> Entry {
    let mut e = g.first;
    if g.merged == 0 {
        return e;
    }
    let key = e.group.clone().unwrap_or_default();
    if g.objects.len() > 1 {
        e.text = format!(
            "{key} × {} {}: {}",
            g.objects.len(),
            noun(&g.objects),
            names(&g.objects)
        );
        e.object = g.objects.join(",");
    } else {
        e.text = format!("{} (+{} more)", e.text, g.merged);
    }
    e
}

/// "pods" when every object is a pod, else "objects".
fn noun(objects: &[String]) -> String {
    let kinds: BTreeSet<&str> = objects
        .iter()
        .map(|o| o.split_once('/').map(|(k, _)| k).unwrap_or(""))
        .collect();
    match kinds.into_iter().collect::<Vec<_>>().as_slice() {
        [k] if !k.is_empty() => format!("{k}s"),
        _ => "objects".into(),
    }
}

/// The first names (without their kind), then "+N more".
fn names(objects: &[String]) -> String {
    let shown: Vec<&str> = objects
        .iter()
        .take(NAMES_SHOWN)
        .map(|o| o.split_once('/').map(|(_, n)| n).unwrap_or(o))
        .collect();
    let mut s = shown.join(", ");
    if objects.len() > NAMES_SHOWN {
        s.push_str(&format!(" +{} more", objects.len() - NAMES_SHOWN));
    }
    s
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
