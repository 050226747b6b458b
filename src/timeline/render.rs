//! The timeline as text, Markdown (for the incident document) or JSON; times in the local
//! time zone or UTC, formatted with chrono (jiff timestamps are converted here, at the edge).

use chrono::{DateTime, FixedOffset, Local, Utc};
use jiff::Timestamp;
use serde_json::{Value, json};

use super::{Entry, Timeline, Zone};

/// `t` in `zone`.
pub fn in_zone(t: Timestamp, zone: Zone) -> DateTime<FixedOffset> {
    let utc = DateTime::<Utc>::from_timestamp(t.as_second(), t.subsec_nanosecond().max(0) as u32)
        .unwrap_or_default();
    match zone {
        Zone::Utc => utc.fixed_offset(),
        Zone::Local => utc.with_timezone(&Local).fixed_offset(),
    }
}

/// "14:02:03"
pub fn clock(t: Timestamp, zone: Zone) -> String {
    in_zone(t, zone).format("%H:%M:%S").to_string()
}

/// "2026-11-30"
pub fn day(t: Timestamp, zone: Zone) -> String {
    in_zone(t, zone).format("%Y-%m-%d").to_string()
}

/// RFC 3339 in the zone ("2026-11-30T14:02:03+01:00", "…Z" in UTC).
pub fn rfc3339(t: Timestamp, zone: Zone) -> String {
    in_zone(t, zone).to_rfc3339_opts(chrono::SecondsFormat::Secs, zone == Zone::Utc)
}

/// "UTC" or "UTC+01:00" (the local offset at `t`).
pub fn zone_name(t: Timestamp, zone: Zone) -> String {
    match zone {
        Zone::Utc => "UTC".into(),
        Zone::Local => format!("local time, UTC{}", in_zone(t, zone).format("%:z")),
    }
}

/// "2026-11-30 14:00:00 → 14:15:00 (UTC)": the window, the date once.
pub fn window(tl: &Timeline) -> String {
    let (a, b) = (in_zone(tl.since, tl.zone), in_zone(tl.until, tl.zone));
    let end = if a.date_naive() == b.date_naive() {
        b.format("%H:%M:%S").to_string()
    } else {
        b.format("%Y-%m-%d %H:%M:%S").to_string()
    };
    format!(
        "{} → {end} ({})",
        a.format("%Y-%m-%d %H:%M:%S"),
        zone_name(tl.until, tl.zone)
    )
}

/// Each entry with the day it starts, when that differs from the one before (and the
/// window's first day).
fn with_days(tl: &Timeline) -> Vec<(Option<String>, &Entry)> {
    let mut shown = day(tl.since, tl.zone);
    tl.entries
        .iter()
        .map(|e| {
            let d = day(e.at, tl.zone);
            let new = (d != shown).then(|| d.clone());
            shown = d;
            (new, e)
        })
        .collect()
}

fn title(tl: &Timeline) -> String {
    format!("timeline of {} (context {})", tl.namespace, tl.context)
}

/// Plain text, one line per entry.
pub fn text(tl: &Timeline) -> String {
    let mut s = format!("{}, {}\n", title(tl), window(tl));
    for (d, e) in with_days(tl) {
        if let Some(d) = d {
            s.push_str(&format!("-- {d} --\n"));
        }
        s.push_str(&format!(
            "{}  {:<8} {}\n",
            clock(e.at, tl.zone),
            e.kind.label(),
            e.text
        ));
    }
    if tl.entries.is_empty() {
        s.push_str("nothing happened in this window\n");
    }
    for n in &tl.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s
}

fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|")
}

/// Markdown for the incident document: a heading, the window, a table, the notes.
pub fn markdown(tl: &Timeline) -> String {
    let mut s = format!(
        "## Timeline: {} (context {})\n\n{}\n\n",
        md_cell(&tl.namespace),
        md_cell(&tl.context),
        window(tl)
    );
    if tl.entries.is_empty() {
        s.push_str("Nothing happened in this window.\n");
    } else {
        s.push_str("| time | kind | what |\n|---|---|---|\n");
        for (d, e) in with_days(tl) {
            let time = match d {
                Some(d) => format!("{d} {}", clock(e.at, tl.zone)),
                None => clock(e.at, tl.zone),
            };
            s.push_str(&format!(
                "| {time} | {} | {} |\n",
                e.kind.label(),
                md_cell(&e.text)
            ));
        }
    }
    if !tl.notes.is_empty() {
        s.push_str("\nNotes:\n\n");
        for n in &tl.notes {
            s.push_str(&format!("- {}\n", md_cell(n)));
        }
    }
    s
}

/// JSON: `{"since","until","entries":[{"at","kind","source","text",…}],"notes":[…]}`.
pub fn json(tl: &Timeline) -> Value {
    let entries: Vec<Value> = tl
        .entries
        .iter()
        .map(|e| {
            json!({
                "at": rfc3339(e.at, tl.zone),
                "kind": e.kind,
                "source": e.source,
                "object": e.object,
                "text": e.text,
                "warning": e.warning,
                "count": e.count,
            })
        })
        .collect();
    json!({
        "namespace": tl.namespace,
        "context": tl.context,
        "since": rfc3339(tl.since, tl.zone),
        "until": rfc3339(tl.until, tl.zone),
        "timeZone": zone_name(tl.until, tl.zone),
        "entries": entries,
        "notes": tl.notes,
    })
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
