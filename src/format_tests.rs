use super::*;

#[test]
fn formats() {
    assert_eq!(usd(2492.5), "$2,492.50");
    assert_eq!(usd(385.0), "$385.00");
    assert_eq!(usd(0.004), "$0.00");
    assert_eq!(usd(1234567.891), "$1,234,567.89");
    assert_eq!(ms(412.4), "412 ms");
    assert_eq!(ms(1180.0), "1.18 s");
    assert_eq!(per_min(200.0), "12.0k/min");
    assert_eq!(age(90), "90s");
    assert_eq!(age(600), "10m");
    assert_eq!(clip("abcdef", 4), "abc…");
    assert_eq!(clip("ab", 4), "ab");
    assert_eq!(clip("ab", 0), "");
}

#[test]
fn a_latency_at_its_histogram_cap_is_a_lower_bound() {
    assert_eq!(latency(1000.0, true), "≥ 1.00 s");
    assert_eq!(latency(420.0, false), "420 ms");
}

#[test]
fn words_wrap_whole() {
    assert_eq!(
        wrap_words("rotate the provider API key, then restart", 16),
        ["rotate the", "provider API", "key, then", "restart"]
    );
    assert_eq!(wrap_words("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    assert!(wrap_words("", 10).is_empty());
}
