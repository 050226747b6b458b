use super::*;
use crate::config::default_models;

fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

const MIX: [(&str, f64); 4] = [
    ("gpt-4.1", 0.30),
    ("claude-sonnet-4.5", 0.20),
    ("gemini-2.5-flash", 0.30),
    ("deepseek-v3.2", 0.20),
];

// The seed's worked example states "$385.00 vs $2,492.50, saving 84.6 %" for 50 M
// tokens/month with this mix and the seed's own price table. Those figures cannot come
// from that table: by hand, 15 M × $8 + 10 M × $15 + 15 M × $2.50 + 10 M × $0.42 =
// $311.70, and at list 15 × 60 + 10 × 18 + 15 × 3.50 + 10 × 0.50 = $1,137.50, saving
// 72.6 %. (No split of 50 M tokens over the four models gives both $385.00 and
// $2,492.50; see `seed_figures_are_unreachable_with_the_seed_table`.) The test asserts
// the arithmetic that the table actually implies.
const EXPECT_COST_CENTS: i64 = 31_170;
const EXPECT_LIST_CENTS: i64 = 113_750;

#[test]
fn worked_example_monthly() {
    let (c, l) = monthly_for_tokens(50e6, &MIX, &default_models());
    assert_eq!(cents(c), EXPECT_COST_CENTS, "{c}");
    assert_eq!(cents(l), EXPECT_LIST_CENTS, "{l}");
    let s = savings(c, l).unwrap();
    assert_eq!((s * 1000.0).round() as i64, 726, "{s}");
}

#[test]
fn worked_example_from_rates() {
    let per_sec = 50e6 / (30.0 * 24.0 * 3600.0);
    let rates: Vec<ModelRate> = MIX
        .iter()
        .map(|(m, share)| ModelRate {
            model: m.to_string(),
            tokens_per_sec: per_sec * share,
        })
        .collect();
    let c = cost(&rates, &default_models());
    assert_eq!(cents(c.usd_per_month), EXPECT_COST_CENTS, "{c:?}");
    assert_eq!(cents(c.list_usd_per_month), EXPECT_LIST_CENTS, "{c:?}");
    assert_eq!((c.savings_ratio.unwrap() * 1000.0).round() as i64, 726);
    assert!(c.unpriced.is_empty());
    assert_eq!(c.per_model.len(), 4);
    // Per hour is the month / 720.
    assert!((c.usd_per_hour * 720.0 - 311.70).abs() < 1e-6);
}

#[test]
fn seed_figures_are_unreachable_with_the_seed_table() {
    // Every split of 50 M tokens in whole-percent steps: none hits both seed figures.
    let prices = default_models();
    for a in 0..=100u32 {
        for b in 0..=100 - a {
            for c in 0..=100 - a - b {
                let d = 100 - a - b - c;
                let mix: Vec<(&str, f64)> = MIX
                    .iter()
                    .zip([a, b, c, d])
                    .map(|((m, _), p)| (*m, f64::from(p) / 100.0))
                    .collect();
                let (cost, list) = monthly_for_tokens(50e6, &mix, &prices);
                assert!(
                    !(cents(cost) == 38_500 && cents(list) == 249_250),
                    "{a}/{b}/{c}/{d}"
                );
            }
        }
    }
}

#[test]
fn units_are_per_hour_not_per_second() {
    // 1000 tokens/s of a $1/M model: 3.6 M tokens/hour = $3.60/hour (not $0.001).
    assert!((usd_per_hour(1000.0, 1.0) - 3.6).abs() < 1e-12);
    let prices = vec![ModelPrice {
        name: "m".into(),
        aliases: Vec::new(),
        price: 1.0,
        list_price: 2.0,
    }];
    let c = cost(
        &[ModelRate {
            model: "m".into(),
            tokens_per_sec: 1000.0,
        }],
        &prices,
    );
    assert!((c.usd_per_hour - 3.6).abs() < 1e-12);
    assert!((c.per_model[0].list_usd_per_hour - 7.2).abs() < 1e-12);
    assert_eq!(c.per_model[0].tokens_per_min, 60_000.0);
    assert!((c.usd_per_month - 3.6 * 720.0).abs() < 1e-9);
    assert_eq!(c.savings_ratio, Some(0.5));
}

#[test]
fn unpriced_models_and_empty_list() {
    let c = cost(
        &[
            ModelRate {
                model: "mystery".into(),
                tokens_per_sec: 10.0,
            },
            ModelRate {
                model: "gpt-4.1".into(),
                tokens_per_sec: f64::NAN,
            },
        ],
        &default_models(),
    );
    assert_eq!(c.unpriced, vec!["mystery".to_string()]);
    assert!(c.is_unpriced("mystery"));
    assert_eq!(c.per_model.len(), 1);
    assert_eq!(c.usd_per_hour, 0.0);
    assert_eq!(c.savings_ratio, None);
    assert_eq!(cost(&[], &default_models()).savings_ratio, None);
}

/// Providers and gateways report dated ids and prefixes: they find their price; a model
/// nobody priced is listed as such.
#[test]
fn dated_and_prefixed_model_ids_find_their_price() {
    let prices = crate::config::default_models();
    for (reported, priced) in [
        ("gpt-4.1-2025-04-14", "gpt-4.1"),
        ("openai/gpt-4.1", "gpt-4.1"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4.5"),
        (
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            "claude-sonnet-4.5",
        ),
        ("deepseek-chat", "deepseek-v3.2"),
        ("gemini-2.5-flash", "gemini-2.5-flash"),
    ] {
        assert_eq!(
            price_of(&prices, reported).map(|p| p.name.as_str()),
            Some(priced),
            "{reported}"
        );
    }
    assert!(price_of(&prices, "gpt-4.1-mini-2025-04-14").is_none());
    let mut with_alias = prices.clone();
    with_alias[0].aliases.push("gpt-4.1-mini*".into());
    assert_eq!(
        price_of(&with_alias, "gpt-4.1-mini-2025-04-14").map(|p| p.name.as_str()),
        Some("gpt-4.1")
    );
    let c = cost(
        &[ModelRate {
            model: "llama-3-70b".into(),
            tokens_per_sec: 100.0,
        }],
        &prices,
    );
    assert_eq!(c.unpriced, vec!["llama-3-70b".to_string()]);
}
