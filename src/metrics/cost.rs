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

fn price_of<'a>(prices: &'a [ModelPrice], model: &str) -> Option<&'a ModelPrice> {
    prices.iter().find(|p| p.name == model)
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
