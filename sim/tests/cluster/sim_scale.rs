//! `--extra-pods 5000`: the sim starts quickly and real kubectl pages through every pod;
//! ten watchers under `--churn` see the same events. (`agentdeck status` paging through
//! 10,000 of 50,000 pods while peers poll is the product's: `tests/commands/status_cli.rs`.)

use crate::common;

use std::time::{Duration, Instant};

use agentdeck_sim::SimConfig;

use crate::common::{SimThread, preload, require_tool, run};

#[test]
fn five_thousand_pods_page_through_kubectl() {
    if !require_tool("kubectl") {
        return;
    }
    let sim = SimThread::start(SimConfig {
        extra_pods: 5000,
        ..preload(1.0)
    });
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

    let h = common::start_sim(SimConfig {
        extra_pods: 500,
        churn: 100.0,
        ..SimConfig::default()
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
                    // kube asks for bookmarks; the sim sends one every 5 s, so a watcher
                    // that takes longer (a loaded machine) gets one: not an object's event.
                    WatchEvent::Bookmark(_) => continue,
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
