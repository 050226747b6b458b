//! `--extra-pods 5000`: the sim starts quickly and real kubectl pages through every pod.

mod common;

use std::time::{Duration, Instant};

use common::{SimProcess, require_tool, run};

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
