use super::*;
use crate::SimConfig;

#[test]
fn twenty_thousand_events_are_a_realistic_mix_and_fast() {
    let sim = Sim::new(&SimConfig::default());
    let t0 = std::time::Instant::now();
    create(&sim, 20_000).unwrap();
    assert!(t0.elapsed().as_secs() < 5, "{:?}", t0.elapsed());
    let (events, _) = sim.store.list(keys::EVENTS, Some(NS));
    assert_eq!(events.len(), 20_000);
    let reason = |r: &str| events.iter().filter(|e| e["reason"] == r).count();
    assert_eq!(reason("Scheduled"), 2_500);
    assert!(reason("BackOff") > 0 && reason("Unhealthy") > 0 && reason("Started") > 0);
    let backoff = events.iter().find(|e| e["reason"] == "BackOff").unwrap();
    assert_eq!(backoff["type"], "Warning");
    assert_eq!(backoff["series"]["count"], backoff["count"]);
    let scheduled = events.iter().find(|e| e["reason"] == "Scheduled").unwrap();
    assert!(scheduled["eventTime"].as_str().unwrap().ends_with('Z'));
    assert!(scheduled.get("count").is_none());
}
