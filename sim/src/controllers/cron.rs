//! Cron schedules as the CronJob controller reads them (robfig/cron's standard parser):
//! five fields (minute hour day-of-month month day-of-week) with `*`, ranges, steps,
//! lists and month/day names, or a descriptor (`@hourly`, `@daily`, …), in UTC.

use jiff::{Timestamp, tz::TimeZone};

/// A parsed schedule: the allowed values of each field as bit sets.
#[derive(Debug, PartialEq)]
pub struct Schedule {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    /// Day-of-month and day-of-week both restricted: a day matches either (cron's rule).
    either_day: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn value(s: &str, names: &[&str], base: u32) -> Result<u32, String> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
        return Ok(i as u32 + base);
    }
    s.parse()
        .map_err(|_| format!("failed to parse int from {s}"))
}

/// One field: a bit set of the values in `lo..=hi`.
fn field(f: &str, lo: u32, hi: u32, names: &[&str], base: u32) -> Result<u64, String> {
    let mut bits = 0u64;
    for part in f.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .map_err(|_| format!("failed to parse int from {s}"))?,
            ),
            None => (part, 1),
        };
        if step == 0 {
            return Err(format!("step of range should be a positive number: {part}"));
        }
        let (a, b) = match range {
            "*" | "?" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a, names, base)?, value(b, names, base)?),
                None => {
                    let v = value(r, names, base)?;
                    (v, if step > 1 { hi } else { v })
                }
            },
        };
        if a < lo || b > hi || a > b {
            return Err(format!("end of range ({b}) above maximum ({hi}): {part}"));
        }
        bits |= (a..=b).step_by(step as usize).fold(0, |m, v| m | (1 << v));
    }
    Ok(bits)
}

impl Schedule {
    pub fn parse(spec: &str) -> Result<Self, String> {
        let spec = match spec.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            s => s,
        };
        let f: Vec<&str> = spec.split_whitespace().collect();
        if f.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: {spec}",
                f.len()
            ));
        }
        let mut dow = field(f[4], 0, 7, &DAYS, 0)?;
        if dow & (1 << 7) != 0 {
            dow |= 1; // 7 is Sunday too
        }
        Ok(Schedule {
            minute: field(f[0], 0, 59, &[], 0)?,
            hour: field(f[1], 0, 23, &[], 0)?,
            dom: field(f[2], 1, 31, &[], 0)?,
            month: field(f[3], 1, 12, &MONTHS, 1)?,
            dow,
            either_day: !f[2].starts_with('*') && !f[4].starts_with('*'),
        })
    }

    /// Does the minute starting at `t` match?
    pub fn matches(&self, t: Timestamp) -> bool {
        let z = t.to_zoned(TimeZone::UTC);
        let bit = |set: u64, v: i8| set & (1 << v) != 0;
        let dom = bit(self.dom, z.day());
        let dow = bit(self.dow, z.weekday().to_sunday_zero_offset());
        let day = if self.either_day {
            dom || dow
        } else {
            dom && dow
        };
        bit(self.minute, z.minute())
            && bit(self.hour, z.hour())
            && bit(self.month, z.month())
            && day
    }

    /// The first scheduled minute after `t`, looking at most `limit_minutes` ahead.
    pub fn next_after(&self, t: Timestamp, limit_minutes: i64) -> Option<Timestamp> {
        let start = t.as_second().div_euclid(60) + 1;
        (start..start + limit_minutes)
            .map(|m| Timestamp::from_second(m * 60).expect("in range"))
            .find(|&m| self.matches(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn every_five_minutes() {
        let s = Schedule::parse("*/5 * * * *").unwrap();
        assert_eq!(
            s.next_after(ts("2026-11-30T10:02:30Z"), 60),
            Some(ts("2026-11-30T10:05:00Z"))
        );
        assert!(s.matches(ts("2026-11-30T10:55:00Z")));
    }

    #[test]
    fn names_ranges_lists_and_descriptors() {
        let s = Schedule::parse("30 9 * jan-mar mon,fri").unwrap();
        // 2026-01-02 is a Friday.
        assert!(s.matches(ts("2026-01-02T09:30:00Z")));
        assert!(!s.matches(ts("2026-01-03T09:30:00Z")));
        assert!(!s.matches(ts("2026-04-03T09:30:00Z")));
        assert_eq!(
            Schedule::parse("@hourly").unwrap(),
            Schedule::parse("0 * * * *").unwrap()
        );
    }

    #[test]
    fn bad_schedules_say_why() {
        assert!(Schedule::parse("* * *").unwrap_err().contains("5 fields"));
        assert!(Schedule::parse("61 * * * *").is_err());
        assert!(Schedule::parse("*/0 * * * *").is_err());
    }
}
