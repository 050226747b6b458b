use super::*;

#[test]
fn quantities_parse_as_the_api_server_reads_them() {
    let q = |s| parse_quantity(s).unwrap();
    assert_eq!(q("3Gi"), 3.0 * GI);
    assert_eq!(q("2048Mi"), 2.0 * GI);
    assert_eq!(q("1.5"), 1.5);
    assert_eq!(q("500m"), 0.5);
    assert_eq!(q("1e3"), 1000.0);
    assert_eq!(q("2E-1"), 0.2);
    assert_eq!(q("1k"), 1000.0);
    assert_eq!(q("1G"), 1e9);
    assert_eq!(q(".5"), 0.5);
    assert_eq!(q("+1Ki"), 1024.0);
    assert_eq!(q("-1"), -1.0);
    for bad in ["", "Gi", "3GB", "3 Gi", "1..2", "abc", "3gi", "1e", "1ex"] {
        let e = parse_quantity(bad).unwrap_err();
        assert!(!e.is_empty(), "{bad}");
    }
    assert!(
        parse_quantity("3GB")
            .unwrap_err()
            .contains("unknown unit \"GB\"")
    );
}

#[test]
fn bytes_format_as_the_shortest_exact_quantity() {
    assert_eq!(format_bytes_quantity(3.0 * GI), "3Gi");
    assert_eq!(format_bytes_quantity(768.0 * MI), "768Mi");
    assert_eq!(format_bytes_quantity(1536.0 * MI), "1536Mi");
    assert_eq!(format_bytes_quantity(2048.0), "2Ki");
    assert_eq!(format_bytes_quantity(1500.0), "1500");
    assert_eq!(format_bytes_quantity(0.5), "1");
    assert_eq!(format_bytes_quantity(2.0 * KI * GI), "2Ti");
}

#[test]
fn proposed_memory_limits() {
    let p = propose_memory_limit;
    // The example: limit 2Gi, working set 2.1Gi → 2.625Gi → 3Gi.
    assert_eq!(p(Some(2.0 * GI), Some(2.1 * GI)).as_deref(), Some("3Gi"));
    assert_eq!(p(Some(2.0 * GI), None).as_deref(), Some("3Gi"));
    assert_eq!(p(None, Some(3.5 * GI)).as_deref(), Some("5Gi"));
    // Exactly on a step stays on it.
    assert_eq!(p(Some(0.8 * GI), None).as_deref(), Some("1Gi"));
    assert_eq!(p(Some(4.0 * GI), None).as_deref(), Some("5Gi"));
    // Below 1Gi: 256Mi steps.
    assert_eq!(p(Some(512.0 * MI), None).as_deref(), Some("768Mi"));
    assert_eq!(
        p(Some(100.0 * MI), Some(50.0 * MI)).as_deref(),
        Some("256Mi")
    );
    assert_eq!(p(Some(700.0 * MI), None).as_deref(), Some("1Gi"));
    // Nothing to go on.
    assert_eq!(p(None, None), None);
    assert_eq!(p(Some(0.0), Some(f64::NAN)), None);
}

#[test]
fn values_read_from_the_cluster() {
    assert_eq!(value("1500m"), Some(1.5));
    assert_eq!(value("2Ki"), Some(2048.0));
    assert_eq!(value("3"), Some(3.0));
    assert_eq!(value("1.5G"), Some(1.5e9));
    assert_eq!(value("x"), None);
}
