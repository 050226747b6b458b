use super::*;

const LOG: &str = r#"{"time":"2026-11-30T14:05:10Z","context":"prod","user":"alice","namespace":"ai-agents","operation":"rotate-key","target":"secret/ai-api-keys","result":"ok","detail":"HOLYSHEEP_API_KEY updated in secret ai-api-keys (other keys kept)"}
{"time":"2026-11-30T14:06:00Z","context":"prod","user":"bob","namespace":"other","operation":"scale","target":"deployment/x","result":"ok","detail":""}
{"time":"2026-11-30T14:07:00Z","context":"staging","user":"bob","namespace":"ai-agents","operation":"scale","target":"deployment/x","result":"ok","detail":""}
not json
{"time":"2026-11-30T13:00:00Z","context":"prod","user":"alice","namespace":"ai-agents","operation":"restart","target":"deployment/a","result":"ok","detail":""}
{"time":"2026-11-30T14:08:00Z","context":"prod","user":"carol","namespace":"ai-agents","operation":"scale","target":"deployment/a","result":"forbidden","detail":"your role cannot patch \u001b[2Jdeployments"}
"#;

#[test]
fn this_context_and_namespace_in_the_window_only() {
    let es = entries(
        LOG,
        "prod",
        "ai-agents",
        "2026-11-30T14:00:00Z".parse().unwrap(),
    );
    let texts: Vec<&str> = es.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "key rotated (secret/ai-api-keys) via agentdeck by alice",
            "scale deployment/a via agentdeck by carol failed (forbidden): your role cannot patch deployments",
        ]
    );
    assert!(!es[0].warning);
    assert!(es[1].warning);
    assert_eq!(es[0].kind, Kind::Audit);
}
