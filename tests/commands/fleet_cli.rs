//! `agentdeck status --all-contexts -o json` over five clusters (see `common::fleet`): each
//! row its own truth, the broken ones with their reason in words, and a shared Prometheus
//! scoped per cluster by its label — the numbers of each row are PromQL's with the
//! cluster's matcher, and one cluster's 401s are not the others'.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::fleet::FiveClusters;

fn rows(report: &Value) -> std::collections::BTreeMap<String, Value> {
    report["contexts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["context"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

fn ids(row: &Value) -> Vec<String> {
    row["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

/// One number of an instant query to the shared Prometheus (None: no sample).
fn number(f: &FiveClusters, promql: &str) -> Option<f64> {
    agentdeck::tls::init();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let v = rt.block_on(async {
        let http = reqwest::Client::new();
        f.prom.query(&http, promql).await
    })?;
    v.first()?["value"][1].as_str()?.parse().ok()
}

/// The example stack's p95 (ms) and tokens/min of one cluster, as agentdeck asks for them,
/// with the cluster's matcher.
fn direct(f: &FiveClusters, cluster: &str) -> (Option<f64>, Option<f64>) {
    let m = format!("cluster=\"{cluster}\",namespace=\"ai-agents\"");
    let p95 = number(
        f,
        &format!(
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{m}}}[5m])))"
        ),
    );
    let tokens = number(f, &format!("sum(rate(ai_tokens_used_total{{{m}}}[5m]))"));
    (p95.map(|s| s * 1000.0), tokens.map(|t| t * 60.0))
}

fn within(what: &str, got: f64, a: f64, b: f64) {
    let (lo, hi) = (a.min(b) / 1.3, a.max(b) * 1.3);
    assert!(
        got >= lo && got <= hi,
        "{what}: {got} not within [{lo}, {hi}] (PromQL gave {a} then {b})"
    );
}

#[test]
#[allow(clippy::too_many_lines)] // one fleet read as a user reads it
fn status_all_contexts_reads_each_cluster_alone_and_scopes_a_shared_prometheus() {
    let Some(f) = FiveClusters::start() else {
        return;
    };
    let start = Instant::now();
    let mut last = String::new();
    let (code, report) = loop {
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "the five rows never showed their states: {last}"
        );
        let (code, out, err) = f.agentdeck(&["status", "--all-contexts", "-o", "json"]);
        last = format!("exit {code}\n{out}\n{err}");
        let Ok(report) = serde_json::from_str::<Value>(&out) else {
            std::thread::sleep(Duration::from_secs(1));
            continue;
        };
        let r = rows(&report);
        let ready = r.len() == 5
            && ids(&r["bad-key"]).contains(&"provider-unauthorized".to_string())
            && r["bad-key"]["alerts"]["firing"].as_u64() == Some(1)
            && ids(&r["oom"]).iter().any(|i| i.starts_with("oom/"))
            && r["healthy"]["healthy"] == true
            && r["healthy"]["tokensPerMinute"]
                .as_f64()
                .is_some_and(|t| t > 0.0);
        if ready {
            break (code, report);
        }
        std::thread::sleep(Duration::from_secs(1));
    };
    eprintln!(
        "fleet: the five states read {:.1} s after the start",
        start.elapsed().as_secs_f64()
    );
    // The worst row decides: a cluster that cannot be read is exit 2.
    assert_eq!(code, 2, "{report:#}");
    assert_eq!(report["healthy"], false);
    let r = rows(&report);
    // The unreadable ones say why, in words: no Debug dump, no command line, no environment.
    let hole = &r["blackholed"];
    assert_eq!(hole["state"], "unreachable", "{hole:#}");
    assert!(
        hole["error"].as_str().unwrap().contains("no answer within"),
        "{hole:#}"
    );
    let cred = &r["broken-cred"];
    let why = cred["error"].as_str().unwrap();
    assert_eq!(cred["state"], "unreachable", "{cred:#}");
    assert!(
        why.starts_with("the credential plugin sh failed") && why.contains("SSO session expired"),
        "{why}"
    );
    for leak in ["Output {", "KUBERNETES_EXEC_INFO", "stderr:"] {
        assert!(!why.contains(leak), "{why}");
    }
    // Each cluster's own problems: the bad key's 401s are not the healthy cluster's, though
    // one Prometheus holds them all (blended, a third of the calls would be 401s).
    assert!(ids(&r["healthy"]).is_empty(), "{:#}", r["healthy"]);
    assert!(
        !ids(&r["oom"]).contains(&"provider-unauthorized".to_string()),
        "{:#}",
        r["oom"]
    );
    assert_eq!(
        r["bad-key"]["problems"][0]["severity"], "critical",
        "{:#}",
        r["bad-key"]
    );
    // The team's alert is the bad key's cluster's only (its cluster label), critical.
    assert_eq!(r["bad-key"]["alerts"]["critical"], 1, "{:#}", r["bad-key"]);
    assert_eq!(r["healthy"]["alerts"]["firing"], 0, "{:#}", r["healthy"]);
    assert!(r["blackholed"]["alerts"].is_null(), "{:#}", r["blackholed"]);
    for name in ["healthy", "bad-key", "oom"] {
        assert_eq!(r[name]["state"], "up");
        assert_eq!(r[name]["namespace"], "ai-agents");
        assert!(r[name]["desired"].as_i64().unwrap() > 0, "{:#}", r[name]);
        assert!(r[name]["hpa"]["max"].as_i64().is_some(), "{:#}", r[name]);
    }
    // Most severe first: the critical two (the costlier first), the unreachable two, then
    // the healthy one.
    let order: Vec<&str> = report["contexts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["context"].as_str().unwrap())
        .collect();
    let mut critical = order[..2].to_vec();
    critical.sort_unstable();
    assert_eq!(critical, ["bad-key", "oom"], "{order:?}");
    let mut down = order[2..4].to_vec();
    down.sort_unstable();
    assert_eq!(down, ["blackholed", "broken-cred"], "{order:?}");
    assert_eq!(order[4], "healthy", "{order:?}");
    // The numbers of a row are PromQL's with the cluster's matcher (read before and after:
    // the load moves a little between two reads).
    let before = direct(&f, "healthy");
    let (_, out, _) = f.agentdeck(&["status", "--contexts", "healthy", "-o", "json"]);
    let after = direct(&f, "healthy");
    let one: Value = serde_json::from_str(&out).unwrap();
    let row = &one["contexts"][0];
    within(
        "healthy p95",
        row["p95Ms"].as_f64().unwrap(),
        before.0.unwrap(),
        after.0.unwrap(),
    );
    within(
        "healthy tokens/min",
        row["tokensPerMinute"].as_f64().unwrap(),
        before.1.unwrap(),
        after.1.unwrap(),
    );
    // The bad key's cluster spends nothing: no call gets through.
    let (_, bad_tokens) = direct(&f, "bad-key");
    assert!(bad_tokens.unwrap_or(0.0) < 1.0, "{bad_tokens:?}");
    let total = report["total"]["usdPerHour"].as_f64().unwrap();
    let sum: f64 = r.values().filter_map(|x| x["usdPerHour"].as_f64()).sum();
    assert!((total - sum).abs() < 1e-9, "{total} vs {sum}");
    assert_eq!(
        report["total"]["withoutNumbers"], 2,
        "{:#}",
        report["total"]
    );
    // The text face says the same.
    let (code, text, _) = f.agentdeck(&["status", "--contexts", "bad-key,broken-*"]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("Provider rejects the API key") && text.contains("SSO session expired"),
        "{text}"
    );
    assert!(!text.contains("healthy "), "{text}");
    // A Prometheus of its own for one context ([fleet.prometheus], scraping only that
    // cluster); the others on the shared one with no label to tell them apart say so
    // rather than show everyone's numbers.
    let own = crate::common::prom::Prometheus::with_scrape_configs(&format!(
        "  - job_name: agents\n    static_configs:\n      - targets: ['{}']\n",
        f.metrics[0]
    ));
    let config = f.dir.path().join("own.toml");
    std::fs::write(
        &config,
        format!(
            "[fleet]\nrefresh_secs = 1.0\n[fleet.prometheus]\nhealthy = {{ url = \"{}\", timeout_secs = 4.0 }}\n\n[prometheus]\nurl = \"{}\"\n\n[problems]\nwindow = \"15s\"\n",
            own.url, f.prom.url
        ),
    )
    .unwrap();
    let start = Instant::now();
    let own_row = loop {
        let (_, out, err) = f.agentdeck_with(
            &config,
            &["status", "--contexts", "healthy,bad-key", "-o", "json"],
        );
        let report: Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        let r = rows(&report);
        let note = r["bad-key"]["metricsNote"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            note.contains("no [fleet] cluster_label to tell them apart"),
            "{note}"
        );
        assert!(r["bad-key"]["p95Ms"].is_null(), "{:#}", r["bad-key"]);
        if r["healthy"]["tokensPerMinute"]
            .as_f64()
            .is_some_and(|t| t > 0.0)
        {
            break r["healthy"].clone();
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{report:#}");
        std::thread::sleep(Duration::from_secs(1));
    };
    assert!(own_row["metricsNote"].is_null(), "{own_row:#}");
    assert_eq!(own_row["healthy"], true, "{own_row:#}");
    // A pattern that matches nothing is refused, naming it.
    let (code, _, err) = f.agentdeck(&["status", "--contexts", "prd-*"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no context matches \"prd-*\""), "{err}");
}
