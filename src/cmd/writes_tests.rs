use super::*;

#[test]
fn durations() {
    let d = |s| parse_duration("--timeout", s).ok();
    assert_eq!(d("90"), Some(Duration::from_secs(90)));
    assert_eq!(d("5m"), Some(Duration::from_secs(300)));
    assert_eq!(d("1.5h"), Some(Duration::from_secs(5400)));
    assert_eq!(d("7d"), Some(Duration::from_secs(7 * 86400)));
    for bad in ["soon", "-1s", "0", "", "9999h"] {
        let e = parse_duration("--timeout", bad).unwrap_err().to_string();
        assert!(
            e.contains("--timeout") && e.contains("90s, 5m, 1h or 7d"),
            "{bad}: {e}"
        );
    }
}
