use super::*;

#[test]
fn the_rendered_config_parses_back_to_itself() {
    let mut cfg = Config::default();
    cfg.prometheus.url = Some("http://prom:9090".into());
    cfg.prometheus
        .headers
        .0
        .insert("X-Scope-OrgID".into(), "team-a".into());
    let text = render(
        &cfg,
        "",
        &|k| Some(format!("from {}", k.join("."))),
        &|_| Vec::new(),
    );
    let back = Config::parse(&text, Path::new("shown.toml")).unwrap();
    assert_eq!(back, cfg, "{text}");
    assert!(
        text.contains("url = \"http://prom:9090\"  # from prometheus.url"),
        "{text}"
    );
}

#[test]
fn secret_looking_headers_are_never_shown() {
    let mut cfg = Config::default();
    cfg.prometheus
        .headers
        .0
        .insert("X-Api-Key".into(), "s3cr3t-value".into());
    let text = render(&cfg, "", &|_| None, &|_| Vec::new());
    assert!(!text.contains("s3cr3t-value"), "{text}");
    assert!(text.contains("X-Api-Key = \"***\""), "{text}");
}

#[test]
fn the_template_is_all_defaults_commented_out() {
    let t = template();
    assert_eq!(
        Config::parse(&t, Path::new("t.toml")).unwrap(),
        Config::default()
    );
    assert!(t.contains("# [stack]\n# namespace = \"ai-agents\""), "{t}");
    assert!(
        t.contains("# url = \"http://prometheus.monitoring:9090\""),
        "{t}"
    );
    assert!(t.contains("# [[models]]"), "{t}");
}
