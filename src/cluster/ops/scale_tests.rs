use super::*;

#[test]
fn replica_input_is_checked() {
    assert_eq!(parse_replicas(" 5 "), Ok(5));
    assert_eq!(parse_replicas("0"), Ok(0));
    for bad in ["-1", "five", "2.5", "", "501", "99999999999999999999"] {
        assert!(
            matches!(parse_replicas(bad), Err(OpError::Invalid(_))),
            "{bad}"
        );
    }
}

#[test]
fn plan_mentions_the_hpa() {
    let p = ScalePlan {
        workload: crate::cluster::ops::WorkloadRef::deployment("a"),
        current: 3,
        replicas: 25,
        hpa: Some(("h".into(), 3, 20)),
        resource_version: "7".into(),
    };
    let d = p.describe("namespace n (context c)");
    assert!(
        d.contains("minReplicas goes 3 → 25")
            && d.contains("maxReplicas 20 → 25")
            && d.contains("in namespace n (context c) from 3 to 25"),
        "{d}"
    );
    assert_eq!(p.accesses().len(), 2);
}
