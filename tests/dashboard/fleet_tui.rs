//! The fleet view in a real terminal (tmux) over five clusters (see `common::fleet`): five
//! rows, each its own problem or reason; the healthy rows keep updating while the broken
//! ones fail; `Enter` on the bad-key cluster → its dashboard → `K` rotates the key there
//! (the question names that context) → `Esc` → its row turns healthy; the dashboard left
//! lingers, then is dropped.

use std::time::Instant;

use crate::common::fleet::FiveClusters;
use crate::common::require_tool;

/// The table line of `context` on the fleet screen ("│bad-key   up  2s …").
fn row<'a>(screen: &'a str, context: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.trim_start_matches('│').split_whitespace().next() == Some(context))
}

/// The AGE column of `context`'s row, in seconds (None: "–" or not shown).
fn age(screen: &str, context: &str) -> Option<u64> {
    let cells: Vec<&str> = row(screen, context)?
        .trim_start_matches('│')
        .split_whitespace()
        .collect();
    cells.get(2)?.strip_suffix('s')?.parse().ok()
}

/// The context whose details are shown under the table ("┌ bad-key · ns ai-agents ─").
fn selected(screen: &str) -> Option<String> {
    let l = screen.lines().find(|l| l.contains(" · ns "))?;
    Some(
        l.trim_start_matches('┌')
            .split_whitespace()
            .next()?
            .to_string(),
    )
}

/// The table's contexts, top to bottom.
fn order(screen: &str) -> Vec<String> {
    let Some(head) = screen
        .lines()
        .position(|l| l.contains("CONTEXT") && l.contains("PROBLEM"))
    else {
        return Vec::new();
    };
    screen
        .lines()
        .skip(head + 1)
        .map_while(|l| {
            let c = l.trim_start_matches('│').split_whitespace().next()?;
            (!c.starts_with('└')).then(|| c.to_string())
        })
        .collect()
}

/// Move the selection to `context`'s row with ↑/↓ (rows may move as they are read anew:
/// the selection follows its context).
fn select(t: &crate::common::tmux::Tmux, context: &str) {
    for _ in 0..20 {
        let s = t.capture();
        let rows = order(&s);
        let (Some(at), Some(want)) = (
            selected(&s).and_then(|c| rows.iter().position(|r| *r == c)),
            rows.iter().position(|r| r == context),
        ) else {
            std::thread::sleep(std::time::Duration::from_millis(200));
            continue;
        };
        if at == want {
            return;
        }
        t.send(&[if at < want { "Down" } else { "Up" }]);
        t.wait_for(5, "the selection to move", |s| {
            selected(s) != rows.get(at).cloned()
        });
    }
    panic!("{context} never selected:\n{}", t.capture());
}

#[test]
#[allow(clippy::too_many_lines)] // one on-call session read top to bottom
fn five_clusters_dive_into_the_bad_key_rotate_and_come_back() {
    if !require_tool("tmux") {
        return;
    }
    let Some(f) = FiveClusters::start() else {
        return;
    };
    let start = Instant::now();
    let t = f.dashboard("fleet");
    let shows = |s: &str, ctx: &str, what: &str| row(s, ctx).is_some_and(|l| l.contains(what));
    let screen = t.wait_for(180, "each of the five rows with its state", |s| {
        shows(s, "bad-key", "Provider rejects the API key")
            && shows(s, "oom", "OOMKilled")
            && shows(s, "blackholed", "no answer within")
            && shows(s, "broken-cred", "the credential plugin sh failed")
            && shows(s, "healthy", "healthy")
    });
    eprintln!(
        "fleet view: five rows filled {:.1} s after the start",
        start.elapsed().as_secs_f64()
    );
    assert!(screen.contains("fleet 5 clusters"), "{screen}");
    assert!(screen.contains("2 unreachable"), "{screen}");
    // The healthy rows keep updating while the broken ones fail (refresh: 1 s).
    for ctx in ["healthy", "bad-key", "oom"] {
        let a = age(&screen, ctx);
        assert!(a.is_some_and(|a| a <= 3), "{ctx} is {a:?}s old:\n{screen}");
    }
    assert_eq!(age(&screen, "blackholed"), None, "{screen}");
    // The broken credential's reason in full under the table, once selected; never the
    // plugin's command line.
    select(&t, "broken-cred");
    let screen = t.wait_for(10, "the plugin's words", |s| {
        s.contains("SSO session expired")
    });
    assert!(
        !screen.contains("KUBERNETES_EXEC_INFO") && !screen.contains("Output {"),
        "{screen}"
    );
    // Dive into the bad key's cluster.
    select(&t, "bad-key");
    t.send(&["Enter"]);
    t.wait_for(60, "bad-key's dashboard with its fix", |s| {
        s.contains("ctx bad-key")
            && s.contains("Provider rejects the API key")
            && s.contains("K rotate key")
    });
    t.send(&["K"]);
    t.wait_for(10, "the key input", |s| s.contains("new key:"));
    t.send(&["sk-live-0123456789abcdefXYZ"]);
    t.send(&["Enter"]);
    let question = t.wait_for(30, "the rotation's question", |s| s.contains("[y] yes"));
    assert!(
        question.contains("bad-key"),
        "the question names the context:\n{question}"
    );
    assert!(
        !question.contains("sk-live-0123456789abcdefXYZ"),
        "{question}"
    );
    t.send(&["y"]);
    let rotated = Instant::now();
    t.wait_for(60, "the rotation done", |s| {
        s.contains("rotate") && !s.contains("[y] yes") && !s.contains("⟳")
    });
    t.send(&["Escape"]);
    t.wait_for(10, "back on the fleet, bad-key still attached", |s| {
        s.contains("fleet 5 clusters") && s.contains("bad-key still attached")
    });
    t.wait_for(120, "the bad-key row healthy", |s| {
        shows(s, "bad-key", "healthy")
    });
    eprintln!(
        "fleet view: bad-key healthy {:.1} s after the rotation",
        rotated.elapsed().as_secs_f64()
    );
    // Left alone, the dashboard's watchers are dropped after linger_secs (5 s here).
    t.wait_for(30, "the dashboard dropped after lingering", |s| {
        s.contains("fleet 5 clusters") && !s.contains("still attached")
    });
    let audit = f.dashboard_audit("fleet");
    assert!(
        audit.contains("rotate-key") && audit.contains("bad-key"),
        "{audit}"
    );
    assert!(!audit.contains("sk-live-0123456789abcdefXYZ"), "{audit}");
    // The other clusters' keys were not touched.
    assert!(
        !audit.contains("context=oom") && !audit.contains("context=healthy"),
        "{audit}"
    );
    t.send(&["q"]);
}
