use super::*;

#[test]
fn a_problem_and_its_alert_are_one() {
    assert!(same("provider-unauthorized", "provider-unauthorized"));
    assert!(same("oom/ai-agent-service", "oom"));
    assert!(same("egress-blocked", "provider-timeouts"));
    assert!(!same("oomph", "oom"));
    assert!(!same("provider-timeouts", "egress-blocked"));
    assert!(!same("crashloop/x", "oom"));
}
