//! Number and time formatting for the panels.

pub(crate) fn ms(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.1} s", v / 1000.0)
    } else if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

/// A latency that may sit at its histogram's top bucket (`cap_ms`): there it is only a
/// lower bound, "≥ 1.00 s".
pub(crate) fn latency(v: f64, at_cap: bool) -> String {
    if at_cap {
        format!("≥ {}", ms(v))
    } else {
        ms(v)
    }
}

pub(crate) fn usd(v: f64) -> String {
    let cents = (v * 100.0).round() as i64;
    let (whole, frac) = (cents / 100, (cents % 100).abs());
    let mut s = whole.abs().to_string();
    let mut i = s.len() as isize - 3;
    while i > 0 {
        s.insert(i as usize, ',');
        i -= 3;
    }
    format!("{}${s}.{frac:02}", if v < 0.0 { "-" } else { "" })
}

/// Tokens per minute, compact: 12.3k/min.
pub(crate) fn per_min(tokens_per_sec: f64) -> String {
    let m = tokens_per_sec * 60.0;
    if m >= 1e6 {
        format!("{:.2}M/min", m / 1e6)
    } else if m >= 1e3 {
        format!("{:.1}k/min", m / 1e3)
    } else {
        format!("{m:.0}/min")
    }
}

/// Age like kubectl: 5s, 3m, 2h, 4d.
pub(crate) fn age(secs: i64) -> String {
    match secs {
        s if s < 0 => "0s".into(),
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// Cut to `n` display columns with an ellipsis.
/// `s` in lines of at most `width` characters, broken between words (a word longer than
/// the width is broken where it must be).
pub(crate) fn wrap_words(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let (len, wlen) = (line.chars().count(), word.chars().count());
            if len > 0 && len + 1 + wlen <= width {
                line.push(' ');
                line.push_str(&word);
                break;
            }
            if len > 0 {
                out.push(std::mem::take(&mut line));
            }
            if wlen <= width {
                line = word;
                break;
            }
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            out.push(head);
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    if n == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(n - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
