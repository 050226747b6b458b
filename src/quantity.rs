//! Kubernetes resource quantities ("3Gi", "2048Mi", "1.5", "500m", "1e3") as numbers, the
//! way the API server reads them, and the memory limit agentdeck proposes after OOM kills:
//! the product's one reading of quantities (limits, usage, HPA targets, what a user types).

const KI: f64 = 1024.0;
const MI: f64 = KI * 1024.0;
const GI: f64 = MI * 1024.0;

/// A duration as people type it: "90", "90s", "5m", "1.5h", "2d" (None: not one).
pub(crate) fn duration(s: &str) -> Option<std::time::Duration> {
    let s = s.trim();
    let (num, mult) = match s.chars().last() {
        Some('s') => (&s[..s.len() - 1], 1.0),
        Some('m') => (&s[..s.len() - 1], 60.0),
        Some('h') => (&s[..s.len() - 1], 3600.0),
        Some('d') => (&s[..s.len() - 1], 86400.0),
        _ => (s, 1.0),
    };
    let n = num
        .parse::<f64>()
        .ok()
        .filter(|n| *n >= 0.0 && n.is_finite())?;
    std::time::Duration::try_from_secs_f64(n * mult).ok()
}

/// The value of a quantity read from the cluster; None when it is not one.
pub(crate) fn value(q: &str) -> Option<f64> {
    parse_quantity(q).ok()
}

/// The value of a Kubernetes quantity (bytes for memory, cores for CPU): "3Gi" →
/// 3221225472, "500m" → 0.5, "1.5" → 1.5, "1e3" → 1000. The error says what is wrong.
pub fn parse_quantity(s: &str) -> Result<f64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("an empty quantity".into());
    }
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let split = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (num, suffix) = body.split_at(split);
    if !num.chars().any(|c| c.is_ascii_digit()) || num.matches('.').count() > 1 {
        return Err(format!("{t:?} does not start with a number"));
    }
    let mult = multiplier(suffix).ok_or_else(|| {
        format!("{t:?} has an unknown unit {suffix:?} (use Ki, Mi, Gi, Ti, m, k, M, G…)")
    })?;
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{t:?} does not start with a number"))?;
    let v = n * mult;
    if !v.is_finite() {
        return Err(format!("{t:?} is out of range"));
    }
    Ok(if t.starts_with('-') { -v } else { v })
}

/// The factor of a quantity's suffix: binary (Ki…Ei), decimal SI (n…E) or an exponent
/// (e3, E-2).
fn multiplier(suffix: &str) -> Option<f64> {
    let binary = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    if let Some(i) = binary.iter().position(|b| *b == suffix) {
        return Some(KI.powi(i as i32 + 1));
    }
    let decimal = match suffix {
        "" => Some(1.0),
        "n" => Some(1e-9),
        "u" => Some(1e-6),
        "m" => Some(1e-3),
        "k" => Some(1e3),
        "M" => Some(1e6),
        "G" => Some(1e9),
        "T" => Some(1e12),
        "P" => Some(1e15),
        "E" => Some(1e18),
        _ => None,
    };
    if decimal.is_some() {
        return decimal;
    }
    let exp = suffix.strip_prefix(['e', 'E'])?;
    let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    exp.parse::<i32>().ok().map(|e| 10f64.powi(e))
}

/// Bytes as the shortest exact binary quantity: 3221225472 → "3Gi", 805306368 → "768Mi",
/// 1500 → "1500" (a fraction of a byte is rounded up).
pub fn format_bytes_quantity(bytes: f64) -> String {
    let b = bytes.max(0.0).ceil();
    for (unit, suffix) in [(KI * GI, "Ti"), (GI, "Gi"), (MI, "Mi"), (KI, "Ki")] {
        if b >= unit && (b / unit).fract() == 0.0 {
            return format!("{}{suffix}", b / unit);
        }
    }
    format!("{b}")
}

/// The memory limit to propose for a container that runs out of memory: the next value at
/// or above 1.25 × the larger of its limit and its working set, in whole Gi from 1Gi up,
/// in 256Mi steps below ("3Gi" for a 2Gi limit and a 2.1Gi working set). None without
/// either number.
pub fn propose_memory_limit(
    limit_bytes: Option<f64>,
    working_set_bytes: Option<f64>,
) -> Option<String> {
    let base = [limit_bytes, working_set_bytes]
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))?;
    let want = base * 1.25;
    let step = if want >= GI { GI } else { 256.0 * MI };
    // A hair of tolerance, so 0.8Gi × 1.25 is 1Gi and not 2Gi.
    let steps = (want / step - 1e-9).ceil().max(1.0);
    Some(format_bytes_quantity(steps * step))
}

#[cfg(test)]
#[path = "quantity_tests.rs"]
mod tests;
