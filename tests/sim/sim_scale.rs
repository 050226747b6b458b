//! `--extra-pods 5000`: the sim starts quickly and real kubectl pages through every pod.

use crate::common;

use std::time::{Duration, Instant};

use crate::common::{SimProcess, require_tool, run};

#[test]
fn five_thousand_pods_page_through_kubectl() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimProcess::start(&["--preload", "--extra-pods", "5000"]);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let mut c = sim.kubectl("kubectl");
        c.args([
            "get",
            "pods",
            "-A",
            "--no-headers",
            "--field-selector=status.phase=Running",
            "-v=6",
        ]);
        let (success, out, err) = run(c);
        assert!(success, "{err}");
        let rows = out.lines().count();
        if rows == 5004 {
            // kubectl asked in chunks of 500 and followed the continue tokens.
            let pages = err
                .lines()
                .filter(|l| l.contains("/api/v1/pods?") && l.contains("limit=500"))
                .count();
            assert!(pages >= 11, "expected 11 pages of 500, saw {pages}:\n{err}");
            let namespaces: std::collections::BTreeSet<&str> = out
                .lines()
                .filter_map(|l| l.split_whitespace().next())
                .collect();
            assert!(namespaces.len() >= 6, "{namespaces:?}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "only {rows} of 5004 pods running after 120 s"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// `--churn 100` over 500 extra pods: ten concurrent watchers from the same
/// resourceVersion receive the very same events (none lost, resourceVersions strictly
/// increasing), with deletions and creations at about the rate asked for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_watchers_see_every_event_under_churn() {
    use futures::StreamExt;
    use k8s_openapi::api::core::v1::Pod;
    use kube::api::{Api, ListParams, WatchEvent, WatchParams};

    let h = common::start_sim(agentdeck_sim::SimConfig {
        extra_pods: 500,
        churn: 100.0,
        ..agentdeck_sim::SimConfig::default()
    })
    .await;
    let pods: Api<Pod> = Api::all(common::client(&h));
    let rv = pods
        .list_metadata(&ListParams::default().limit(1))
        .await
        .expect("list")
        .metadata
        .resource_version
        .expect("rv");
    // Each watcher reads until it has seen enough churn (a loaded machine only makes that
    // take longer), within a generous bound.
    let limit = Duration::from_secs(90);
    let enough = |seen: &[(u64, char)]| {
        let n = |k: char| seen.iter().filter(|(_, c)| *c == k).count();
        n('D') >= 200 && n('A') >= 100 && seen.len() > 1000
    };
    let watchers = (0..10).map(|_| {
        let pods = pods.clone();
        let rv = rv.clone();
        tokio::spawn(async move {
            let wp = WatchParams::default().timeout(290);
            let stream = pods.watch(&wp, &rv).await.expect("watch");
            let mut stream = Box::pin(stream.take_until(tokio::time::sleep(limit)));
            let mut seen = Vec::new();
            while let Some(ev) = stream.next().await {
                let (kind, p) = match ev.expect("event") {
                    WatchEvent::Added(p) => ('A', p),
                    WatchEvent::Modified(p) => ('M', p),
                    WatchEvent::Deleted(p) => ('D', p),
                    other => panic!("unexpected {other:?}"),
                };
                let rv: u64 = p.metadata.resource_version.unwrap().parse().unwrap();
                seen.push((rv, kind));
                if enough(&seen) {
                    break;
                }
            }
            seen
        })
    });
    let seen: Vec<Vec<(u64, char)>> = futures::future::join_all(watchers)
        .await
        .into_iter()
        .map(|r| r.expect("watcher"))
        .collect();
    // Every watcher stopped at its own instant: compare up to the shortest.
    let common_len = seen.iter().map(Vec::len).min().unwrap();
    for s in &seen {
        assert!(s.windows(2).all(|w| w[0].0 < w[1].0), "rv not increasing");
        assert_eq!(s[..common_len], seen[0][..common_len], "watchers differ");
    }
    // Every watcher saw the churn (deletions and the ReplicaSets' replacements) before the
    // bound, in the same order.
    for s in &seen {
        assert!(enough(s), "only {} events within {limit:?}", s.len());
    }
    assert!(common_len > 1000, "only {common_len} events");
}

/// Two peers (a Table lister like k9s or kubetui, a JSON lister like kdash) polling all
/// 50,000 pods of the cluster while agentdeck lists the 10,000 of one namespace: the
/// sim keeps answering small requests (its lists run off the runtime's threads), and
/// `status` pages through all 10,000 pods to the end — none shown as 0, nothing assumed.
#[test]
fn ten_thousand_pods_are_listed_while_peers_poll() {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let sim = SimProcess::start(&["--preload", "--extra-pods", "50000"]);
    let host = sim.url.trim_start_matches("http://").to_string();
    let get = |host: &str, path: &str, accept: &str| -> usize {
        let mut s = std::net::TcpStream::connect(host).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut body = Vec::new();
        let _ = s.read_to_end(&mut body);
        body.len()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let peers: Vec<_> = [
        "application/json;as=Table;g=meta.k8s.io;v=v1",
        "application/json",
    ]
    .into_iter()
    .map(|accept| {
        let (stop, host) = (stop.clone(), host.clone());
        std::thread::spawn(move || {
            let mut lists = 0;
            while !stop.load(Ordering::Relaxed) {
                assert!(get(&host, "/api/v1/pods", accept) > 1_000_000);
                lists += 1;
            }
            lists
        })
    })
    .collect();
    std::thread::sleep(Duration::from_secs(2));
    let asked = Instant::now();
    assert!(get(&host, "/version", "application/json") > 0);
    let version = asked.elapsed();
    let started = Instant::now();
    let (code, out, err) = sim.agentdeck(&["-n", "load-1", "status", "-o", "json"], "");
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let lists: usize = peers.into_iter().map(|p| p.join().unwrap()).sum();
    eprintln!(
        "under {lists} peer lists of 50,000 pods: /version in {version:.2?}, status of 10,000 pods in {took:.1?}"
    );
    assert!(code == 0 || code == 1, "{err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Every pod counted, in whatever phase the sim's controllers have it at the moment.
    let pods: u64 = s["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| {
            ["pending", "running", "terminating", "failed"]
                .map(|k| w["pods"][k].as_u64().unwrap_or(0))
        })
        .sum();
    assert!((9_990..=10_010).contains(&pods), "{pods} pods: {s:#}");
    assert_eq!(s["unreadable"], serde_json::json!({}), "{s:#}");
    assert!(
        version < Duration::from_secs(5),
        "/version took {version:?}"
    );
}
