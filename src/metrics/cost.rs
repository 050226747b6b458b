//! The cost model: token rates × prices (USD per million tokens) → $/hour, $/month, savings.
//!
//! Units: a rate in tokens/second becomes tokens/hour by × 3600, and a price is per 1e6
//! tokens, so `usd_per_hour = tokens_per_sec × 3600 × price / 1e6`. (The seed's Grafana
//! expression divided the per-second rate by 1e6 and called it "per hour": 3600× too small.)

use crate::config::ModelPrice;

use super::snapshot::ModelRate;

/// Seconds in an hour.
pub const SECONDS_PER_HOUR: f64 = 3600.0;
/// Hours in a billing month. A month is taken as 30 days (720 hours), which is what the
/// seed's monthly figures assume.
pub const HOURS_PER_MONTH: f64 = 24.0 * 30.0;
/// Prices are quoted per million tokens.
pub const TOKENS_PER_PRICE_UNIT: f64 = 1e6;

/// What one model costs at the current rate.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelCost {
    pub model: String,
    /// Tokens per minute (for display).
    pub tokens_per_min: f64,
    /// What we pay per hour at this rate, USD (0 when the model has no price: see
    /// [`Cost::unpriced`]).
    pub usd_per_hour: f64,
    /// What the provider's list price would cost per hour, USD.
    pub list_usd_per_hour: f64,
}

/// Cost of the current token rates, per model and in total.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cost {
    /// One entry per model seen, in the order of the rates given (sorted by model).
    pub per_model: Vec<ModelCost>,
    /// Total $/hour now.
    pub usd_per_hour: f64,
    /// Projected $/month at this rate (a month is 30 days = 720 hours).
    pub usd_per_month: f64,
    /// The same month at list prices.
    pub list_usd_per_month: f64,
    /// 1 − cost/list; `None` when the list total is 0 (nothing to compare with).
    pub savings_ratio: Option<f64>,
    /// Models seen without a price: they count 0 in every total, so the totals are lower
    /// bounds while this is not empty.
    pub unpriced: Vec<String>,
    /// The spend the stack counts itself (LiteLLM's `litellm_spend_metric_total`), USD per
    /// hour: shown beside the price-table estimate.
    pub reported_usd_per_hour: Option<f64>,
    /// Self-hosted models: serving pods × `[cost] gpu_hour_price`, USD per hour (included
    /// in `usd_per_hour`).
    pub gpu: Option<GpuCost>,
    /// What the cost cannot include, in words ("vLLM reports no spend: set [cost]
    /// gpu_hour_price").
    pub note: Option<String>,
    /// The models are served by pods here (vLLM, TGI): their tokens are not billed per
    /// token, so they are not priced from the table (the GPU time is the cost).
    pub self_hosted: bool,
}

/// The GPU time of a self-hosted model.
#[derive(Debug, Clone, PartialEq)]
pub struct GpuCost {
    pub pods: f64,
    pub usd_per_pod_hour: f64,
    pub usd_per_hour: f64,
}

/// The whole cost of a snapshot: the token rates at `prices`, the stack's own spend where
/// it counts one, and the serving pods' GPU time where the model is self-hosted (at
/// `gpu_hour_price`, or a note that it is not set). `None` when there is nothing to cost.
pub fn of_snapshot(
    m: &super::MetricsSnapshot,
    prices: &[ModelPrice],
    gpu_hour_price: Option<f64>,
) -> Option<Cost> {
    use super::Reading;
    let self_hosted = matches!(m.servers, Reading::Value(p) if p.is_finite() && p > 0.0);
    // Self-served tokens are not billed per token: the table does not price them.
    let table: &[ModelPrice] = if self_hosted { &[] } else { prices };
    let mut c = match &m.tokens {
        Reading::Value(rates) => cost(rates, table),
        _ => Cost::default(),
    };
    if self_hosted {
        c.unpriced.clear();
        c.self_hosted = true;
    }
    let mut any = matches!(m.tokens, Reading::Value(_));
    if let Reading::Value(spend) = &m.spend {
        c.reported_usd_per_hour = Some(
            spend
                .iter()
                .map(|s| s.usd_per_hour)
                .filter(|v| v.is_finite())
                .sum(),
        );
        any = true;
    }
    if let Reading::Value(pods) = m.servers
        && pods.is_finite()
        && pods > 0.0
    {
        any = true;
        match gpu_hour_price {
            Some(price) => {
                let gpu = GpuCost {
                    pods,
                    usd_per_pod_hour: price,
                    usd_per_hour: pods * price,
                };
                c.usd_per_hour += gpu.usd_per_hour;
                c.usd_per_month = c.usd_per_hour * HOURS_PER_MONTH;
                c.gpu = Some(gpu);
            }
            None => {
                let server = m
                    .sources
                    .iter()
                    .find(|(q, _)| *q == super::plan::Quantity::Servers)
                    .map(|(_, from)| from.as_str())
                    .unwrap_or("the model server");
                c.note = Some(format!(
                    "{server} reports no spend: its cost is GPU time, set [cost] gpu_hour_price"
                ));
            }
        }
    }
    any.then_some(c)
}

impl Cost {
    /// Was this model seen without a price (its dollar figures are not real zeros)?
    pub fn is_unpriced(&self, model: &str) -> bool {
        self.unpriced.iter().any(|m| m == model)
    }
}

/// USD per hour for a rate in tokens/second at a price in USD per million tokens.
pub fn usd_per_hour(tokens_per_sec: f64, price_per_million: f64) -> f64 {
    tokens_per_sec * SECONDS_PER_HOUR * price_per_million / TOKENS_PER_PRICE_UNIT
}

/// The price of `model` as a provider or a gateway reports it: its exact name, one of its
/// aliases (exact or a `*` pattern), or — failing both — the name without a provider
/// prefix (`openai/`, `anthropic.`) and without a date suffix (`-2025-04-14`,
/// `-20250929`), with `.` and `-` alike between version digits
/// (`claude-sonnet-4-5-20250929` is `claude-sonnet-4.5`).
pub fn price_of<'a>(prices: &'a [ModelPrice], model: &str) -> Option<&'a ModelPrice> {
    prices
        .iter()
        .find(|p| p.name == model)
        .or_else(|| {
            prices
                .iter()
                .find(|p| p.aliases.iter().any(|a| glob(a, model)))
        })
        .or_else(|| {
            let m = normal(model);
            prices.iter().find(|p| {
                normal(&p.name) == m || p.aliases.iter().any(|a| !a.contains('*') && normal(a) == m)
            })
        })
}

/// `*` matches any run of characters; everything else is literal.
fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !s.starts_with(first) || !s[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// A model name without provider prefix and date suffix, `.` as `-`, lower case.
fn normal(model: &str) -> String {
    let base = model.rsplit('/').next().unwrap_or(model);
    // Bedrock-style "anthropic.claude-…": a vendor and a dot before the name.
    let base = match base.split_once('.') {
        Some((vendor, rest))
            if vendor.chars().all(|c| c.is_ascii_alphabetic()) && vendor.len() > 2 =>
        {
            rest
        }
        _ => base,
    };
    let mut s = base.to_ascii_lowercase().replace('.', "-");
    // -YYYY-MM-DD or -YYYYMMDD at the end; Bedrock's "-v1:0" after it.
    if let Some(i) = s.find("-v1:") {
        s.truncate(i);
    }
    let bytes = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.clone().all(|i| bytes[i].is_ascii_digit());
    let n = bytes.len();
    if n > 11
        && bytes[n - 11] == b'-'
        && bytes[n - 6] == b'-'
        && bytes[n - 3] == b'-'
        && digits(n - 10..n - 6)
        && digits(n - 5..n - 3)
        && digits(n - 2..n)
    {
        s.truncate(n - 11);
    } else if n > 9 && bytes[n - 9] == b'-' && digits(n - 8..n) {
        s.truncate(n - 9);
    }
    s
}

/// Cost of the given per-model token rates at `prices`. Rates that are not finite are
/// ignored; models without a price are listed in [`Cost::unpriced`].
pub fn cost(rates: &[ModelRate], prices: &[ModelPrice]) -> Cost {
    let mut out = Cost::default();
    let mut list_per_hour = 0.0;
    for r in rates.iter().filter(|r| r.tokens_per_sec.is_finite()) {
        let (usd, list) = match price_of(prices, &r.model) {
            Some(p) => (
                usd_per_hour(r.tokens_per_sec, p.price),
                usd_per_hour(r.tokens_per_sec, p.list_price),
            ),
            None => {
                out.unpriced.push(r.model.clone());
                (0.0, 0.0)
            }
        };
        out.usd_per_hour += usd;
        list_per_hour += list;
        out.per_model.push(ModelCost {
            model: r.model.clone(),
            tokens_per_min: r.tokens_per_sec * 60.0,
            usd_per_hour: usd,
            list_usd_per_hour: list,
        });
    }
    out.usd_per_month = out.usd_per_hour * HOURS_PER_MONTH;
    out.list_usd_per_month = list_per_hour * HOURS_PER_MONTH;
    out.savings_ratio = savings(out.usd_per_month, out.list_usd_per_month);
    out
}

/// 1 − cost/list, or `None` when there is no list cost to compare with.
pub fn savings(cost: f64, list: f64) -> Option<f64> {
    (list > 0.0).then(|| 1.0 - cost / list)
}

/// Monthly cost and list cost of `tokens_per_month` tokens split by `mix` (model, share
/// as a fraction: 0.30 for 30 %). Models without a price count 0.
pub fn monthly_for_tokens(
    tokens_per_month: f64,
    mix: &[(&str, f64)],
    prices: &[ModelPrice],
) -> (f64, f64) {
    mix.iter()
        .filter_map(|(model, share)| price_of(prices, model).map(|p| (p, share)))
        .fold((0.0, 0.0), |(c, l), (p, share)| {
            let millions = tokens_per_month * share / TOKENS_PER_PRICE_UNIT;
            (c + millions * p.price, l + millions * p.list_price)
        })
}

#[cfg(test)]
#[path = "cost_tests.rs"]
mod tests;
