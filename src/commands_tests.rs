use super::*;

#[test]
fn durations() {
    let d = |s| parse_duration("--timeout", s).ok();
    assert_eq!(d("90"), Some(Duration::from_secs(90)));
    assert_eq!(d("5m"), Some(Duration::from_secs(300)));
    assert_eq!(d("1.5h"), Some(Duration::from_secs(5400)));
    for bad in ["soon", "-1s", "0", "", "9999h"] {
        let e = parse_duration("--timeout", bad).unwrap_err().to_string();
        assert!(
            e.contains("--timeout") && e.contains("90s, 5m or 1h"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn the_new_flags_parse() {
    use clap::Parser;
    let cli = crate::cli::Cli::try_parse_from([
        "agentdeck",
        "set-resources",
        "statefulset/db",
        "--container",
        "db",
        "--memory-limit",
        "3Gi",
        "--cpu-request",
        "500m",
        "--no-wait",
    ])
    .unwrap();
    match cli.command {
        Some(crate::cli::Command::SetResources {
            workload,
            container,
            memory_limit,
            cpu_request,
            no_wait,
            memory_request: None,
            cpu_limit: None,
            yes: false,
            timeout: None,
        }) => {
            assert_eq!(workload, "statefulset/db");
            assert_eq!(container.as_deref(), Some("db"));
            assert_eq!(memory_limit.as_deref(), Some("3Gi"));
            assert_eq!(cpu_request.as_deref(), Some("500m"));
            assert!(no_wait);
        }
        other => panic!("{other:?}"),
    }
    let cli = crate::cli::Cli::try_parse_from([
        "agentdeck",
        "deploy",
        "--only",
        "netpol/a",
        "--only",
        "deploy/b",
        "--dry-run",
    ])
    .unwrap();
    match cli.command {
        Some(crate::cli::Command::Deploy { only, dry_run, .. }) => {
            assert_eq!(only, vec!["netpol/a", "deploy/b"]);
            assert!(dry_run);
        }
        other => panic!("{other:?}"),
    }
}
