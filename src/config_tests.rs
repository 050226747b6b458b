use super::*;

#[test]
fn defaults_are_the_seed_stack() {
    let c = Config::default();
    assert_eq!(c.stack.namespace, "ai-agents");
    assert_eq!(c.models.len(), 4);
    assert_eq!(c.models[0].price, 8.0);
    // No query is written: the metric profile (detected) gives them all.
    assert_eq!(c.prometheus.profile, "auto");
    assert!(c.prometheus.queries.all().iter().all(|(_, q)| q.is_none()));
}

#[test]
fn partial_file_keeps_other_defaults() {
    let c = Config::parse(
        "read_only = true\n[prometheus]\nurl = \"http://127.0.0.1:9090\"\nrefresh_secs = 2\n",
        Path::new("c.toml"),
    )
    .unwrap();
    assert!(c.read_only);
    assert_eq!(c.prometheus.refresh_secs, 2.0);
    assert_eq!(c.prometheus.timeout_secs, 5.0);
    assert_eq!(c.stack.deployment, "ai-agent-service");
}

#[test]
fn errors_name_the_problem() {
    let e = Config::parse("[prometheus]\nrefresh = 2\n", Path::new("c.toml")).unwrap_err();
    assert!(e.to_string().contains("unknown field `refresh`"), "{e}");
    let e = Config::parse(
        "[prometheus]\nurl = \"localhost:9090\"\n",
        Path::new("c.toml"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("must start with http://"), "{e}");
    let e = Config::load(Some(Path::new("/nonexistent/agentdeck.toml"))).unwrap_err();
    assert!(
        e.to_string()
            .contains("cannot read config /nonexistent/agentdeck.toml"),
        "{e}"
    );
}

#[test]
fn prometheus_headers_and_client_certificate() {
    let c = Config::parse(
        "[prometheus]\nclient_cert_file = \"/c.pem\"\nclient_key_file = \"/c.key\"\n\
         [prometheus.headers]\nX-Scope-OrgID = \"team-a\"\nX-Api-Key = \"k-S3CRET\"\n",
        Path::new("c.toml"),
    )
    .unwrap();
    let p = &c.prometheus;
    assert_eq!(p.headers.0["X-Scope-OrgID"], "team-a");
    assert_eq!(p.client_key_file.as_deref(), Some(Path::new("/c.key")));
    let debug = format!("{c:?}");
    assert!(
        debug.contains("team-a") && !debug.contains("S3CRET"),
        "{debug}"
    );

    let bad = |toml: &str| {
        Config::parse(toml, Path::new("c.toml"))
            .unwrap_err()
            .to_string()
    };
    let e = bad("[prometheus]\nclient_cert_file = \"/c.pem\"\n");
    assert!(e.contains("go together"), "{e}");
    let e = bad("[prometheus.headers]\nAuthorization = \"Bearer x\"\n");
    assert!(e.contains("bearer_token_file"), "{e}");
    let e = bad("[prometheus.headers]\n\"X Bad\" = \"v\"\n");
    assert!(e.contains("not a header name"), "{e}");
    let e = bad("[prometheus.headers]\nX-Token = \"S3CRET\\n\"\n");
    assert!(e.contains("X-Token") && !e.contains("S3CRET"), "{e}");
}

#[test]
fn an_unknown_profile_is_refused_with_the_known_ones() {
    let e = Config::parse(
        "[prometheus]\nprofile = \"openllmetry\"\n",
        Path::new("c.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("c.toml") && e.contains("openllmetry"), "{e}");
    assert!(
        e.contains("otel-genai") && e.contains("litellm") && e.contains("tgi"),
        "{e}"
    );
    let ok = Config::parse(
        "[prometheus]\nprofile = \"vllm\"\n[cost]\ngpu_hour_price = 2.5\n",
        Path::new("c.toml"),
    )
    .unwrap();
    assert_eq!(ok.cost.gpu_hour_price, Some(2.5));
}
