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
        workload: crate::ops::WorkloadRef::deployment("a"),
        current: 3,
        replicas: 25,
        hpa: Some(HpaHold {
            name: "h".into(),
            min: 3,
            max: 20,
            wants: Some(3),
        }),
    };
    let d = p.describe("namespace n (context c)");
    assert!(
        d.contains("minReplicas goes 3 → 25")
            && d.contains("maxReplicas 20 → 25")
            && d.contains("in namespace n (context c) to at least 25")
            && d.contains("replicas 3 → 25 now"),
        "{d}"
    );
    assert_eq!(p.accesses().len(), 2);
}

fn with_hpa(current: i32, replicas: i32, min: i32, wants: i32) -> ScalePlan {
    ScalePlan {
        workload: crate::ops::WorkloadRef::deployment("agents"),
        current,
        replicas,
        hpa: Some(HpaHold {
            name: "agents-hpa".into(),
            min,
            max: 20,
            wants: Some(wants),
        }),
    }
}

#[test]
fn under_an_hpa_a_lower_count_is_a_floor_not_a_number_to_wait_for() {
    // The HPA holds 12 (its metrics want 12): "scale to 5" raises the floor 3 → 5 and
    // leaves the count to the HPA; it is not lowered to 5 and nothing waits for 5.
    let p = with_hpa(12, 5, 3, 12);
    let q = p.describe("namespace n (context c)");
    assert!(
        q.contains("to at least 5") && q.contains("minReplicas goes 3 → 5"),
        "{q}"
    );
    assert!(
        q.contains("12 now") && !q.contains("replicas 12 → 5"),
        "{q}"
    );
    assert!(!p.writes_replicas());
    assert_eq!(p.want(), Want::AtLeast(5));
    assert_eq!(p.settles_at(), 12);
    assert_eq!(p.nothing_to_do("n"), None, "the floor changes");
    // The floor already 5, 12 running: nothing to write.
    let same = with_hpa(12, 5, 5, 12);
    assert!(
        same.nothing_to_do("n")
            .is_some_and(|w| w.contains("already keeps agents at 5 or more"))
    );
}

#[test]
fn scaling_to_the_current_count_is_nothing_to_do() {
    let p = ScalePlan {
        workload: crate::ops::WorkloadRef::deployment("redis"),
        current: 2,
        replicas: 2,
        hpa: None,
    };
    assert!(
        p.nothing_to_do("namespace n")
            .is_some_and(|w| w.contains("already has 2 replicas"))
    );
    assert_eq!(p.want(), Want::Exactly(2));
}
