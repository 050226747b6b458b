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
    let here = Here {
        context: "prod",
        server: "https://prod:6443",
        uid: None,
        namespace: "ai-agents",
    };
    let es = entries(LOG, &here, "2026-11-30T14:00:00Z".parse().unwrap());
    let texts: Vec<&str> = es.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "key rotated (secret/ai-api-keys) via agentdeck by alice",
            "scale deployment/a via agentdeck by carol refused by RBAC: your role cannot patch deployments",
        ]
    );
    assert!(!es[0].warning);
    assert!(es[1].warning);
    assert_eq!(es[0].kind, Kind::Audit);
}

/// Two clusters that share a context name (every `agentdeck sim` is `agentdeck-sim`; kind
/// clusters recreated on one port) keep their own lines.
#[test]
fn a_cluster_is_its_server_and_uid_not_its_context_name() {
    let log = r#"{"time":"2026-11-30T14:01:00Z","context":"agentdeck-sim","server":"http://127.0.0.1:4001","cluster":"uid-a","user":"u","namespace":"ai-agents","operation":"scale","target":"deployment/redis","result":"ok","detail":""}
{"time":"2026-11-30T14:02:00Z","context":"agentdeck-sim","server":"http://127.0.0.1:4002","cluster":"uid-b","user":"u","namespace":"ai-agents","operation":"restart","target":"deployment/redis","result":"ok","detail":""}
{"time":"2026-11-30T14:03:00Z","context":"agentdeck-sim","server":"http://127.0.0.1:4001","cluster":"uid-c","user":"u","namespace":"ai-agents","operation":"restart","target":"deployment/a","result":"ok","detail":""}
{"time":"2026-11-30T14:04:00Z","context":"agentdeck-sim","server":"http://127.0.0.1:4001","cluster":null,"user":"u","namespace":"ai-agents","operation":"rotate-key","target":"secret/k","result":"refused-read-only","detail":"refused"}
"#;
    let here = |server, uid: Option<&str>| Here {
        context: "agentdeck-sim",
        server,
        uid: uid.map(str::to_string),
        namespace: "ai-agents",
    };
    let since = "2026-11-30T14:00:00Z".parse().unwrap();
    let texts =
        |h: &Here| -> Vec<String> { entries(log, h, since).into_iter().map(|e| e.text).collect() };
    assert_eq!(
        texts(&here("http://127.0.0.1:4001", Some("uid-a"))),
        [
            "scale deployment/redis via agentdeck by u",
            "rotate-key secret/k via agentdeck by u refused: read-only mode",
        ]
    );
    assert_eq!(
        texts(&here("http://127.0.0.1:4002", Some("uid-b"))),
        ["rollout restart deployment/redis via agentdeck by u"]
    );
}
