//! The architecture, checked by reading the sources: the data layers (`cluster`, `metrics`,
//! the simulator crate) never import the terminal side (`app`, `ui`, `tui`, ratatui,
//! crossterm); `ui` does no I/O; `status` and the dashboard are siblings; no two modules
//! import each other (a cycle means a shared type belongs in a third module); the product's
//! manifest does not carry the simulator's HTTP-only dependencies.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The source without `//` comments (doc comments may name anything).
fn code(p: &Path) -> String {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// "cluster::ops::scale" for src/cluster/ops/scale.rs (mod.rs, lib.rs and *_tests.rs
/// belong to their module).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    match last.as_str() {
        "mod" | "lib" | "main" => {}
        l if l.ends_with("_tests") => parts.push(l.trim_end_matches("_tests").to_string()),
        "tests" => {}
        l => parts.push(l.to_string()),
    }
    parts
}

fn offenders(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let dir = root().join(dir);
    if !dir.exists() {
        return vec![format!("{} does not exist", dir.display())];
    }
    let mut bad = Vec::new();
    for f in rust_files(&dir) {
        let c = code(&f);
        for word in forbidden {
            if mentions(&c, word) {
                bad.push(format!("{} uses {word}", f.display()));
            }
        }
    }
    bad
}

/// Does `code` name `path` as a whole path (`crate::app` but not `crate::apply`)?
fn mentions(code: &str, path: &str) -> bool {
    code.match_indices(path).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = code[i + path.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        !ident(before) && (path.ends_with("::") || !ident(after))
    })
}

#[test]
fn mentions_whole_paths_only() {
    assert!(mentions("use crate::app::App;", "crate::app"));
    assert!(!mentions("use crate::apply;", "crate::app"));
    assert!(!mentions("use my_ratatui::x;", "ratatui"));
    assert!(mentions("x = agentdeck::cli::main();", "agentdeck::"));
}

#[test]
fn data_layers_know_nothing_of_the_terminal() {
    let terminal = [
        "crate::app",
        "crate::ui",
        "crate::tui",
        "ratatui",
        "crossterm",
        "agentdeck::",
    ];
    let mut bad = offenders("src/cluster", &terminal);
    bad.extend(offenders("src/metrics", &terminal));
    bad.extend(offenders("src/problems", &terminal));
    bad.extend(offenders("sim/src", &terminal));
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn ui_draws_and_does_no_io() {
    let io = [
        "tokio::",
        "std::fs",
        "std::net",
        "reqwest",
        "kube::",
        "std::process",
    ];
    let bad = offenders("src/ui", &io);
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn status_and_the_dashboard_are_siblings() {
    let c = code(&root().join("src/status.rs"));
    for word in ["crate::dashboard", "crate::ui", "crate::tui", "crate::app"] {
        assert!(!mentions(&c, word), "status.rs uses {word}");
    }
}

/// The module path at the start of `rest` ("ops::scale::{…}" → ["ops", "scale"]), and
/// the items of a `{…}` group right after it, each a path of its own.
fn paths_at(rest: &str) -> Vec<Vec<String>> {
    let mut base = Vec::new();
    let mut r = rest;
    loop {
        let ident: String = r
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() || !ident.starts_with(|c: char| c.is_lowercase()) {
            break;
        }
        base.push(ident.clone());
        r = &r[ident.len()..];
        match r.strip_prefix("::") {
            Some(next) => r = next,
            None => return vec![base],
        }
    }
    let Some(group) = r.strip_prefix('{') else {
        return vec![base];
    };
    let mut depth = 1;
    let end = group
        .char_indices()
        .find(|(_, c)| {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            depth == 0
        })
        .map_or(group.len(), |(i, _)| i);
    let mut out = vec![base.clone()];
    for item in group[..end].split(',') {
        for p in paths_at(item.trim()) {
            let mut full = base.clone();
            full.extend(p);
            out.push(full);
        }
    }
    out
}

/// Which modules a file refers to (`crate::a::b`, `super::x`, grouped `{a, b}` too).
fn references(module: &[String], c: &str) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    for (i, _) in c.match_indices("crate::") {
        out.extend(paths_at(&c[i + "crate::".len()..]));
    }
    for (i, _) in c.match_indices("super::") {
        if c[..i].ends_with("::") {
            continue; // super::super:: is handled from its first occurrence
        }
        let mut base = module.to_vec();
        let mut rest = &c[i..];
        while let Some(r) = rest.strip_prefix("super::") {
            base.pop();
            rest = r;
        }
        for p in paths_at(rest) {
            let mut full = base.clone();
            full.extend(p);
            out.insert(full);
        }
    }
    out
}

#[test]
fn grouped_imports_are_references_too() {
    let m = vec!["controllers".to_string(), "pods".to_string()];
    let refs = references(
        &m,
        "use super::{Snapshot, State, load};\nuse crate::a::{b::c, d};",
    );
    let has = |p: &[&str]| refs.contains(&p.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert!(has(&["controllers", "load"]), "{refs:?}");
    assert!(has(&["a", "b", "c"]) && has(&["a", "d"]), "{refs:?}");
}

/// Import cycles between modules of the crate whose sources are in `src` (a module and
/// its own descendants do not count: a parent re-exporting its children is no cycle).
fn cycles(src: &str) -> Vec<String> {
    let src = root().join(src);
    let files = rust_files(&src);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
    let resolve = |path: &Vec<String>| -> Option<Vec<String>> {
        (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|p| modules.contains(p))
    };
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for f in &files {
        let m = module_of(&src, f);
        for r in references(&m, &code(f)) {
            if let Some(t) = resolve(&r)
                && !t.starts_with(&m)
                && !m.starts_with(&t)
            {
                edges.entry(m.clone()).or_default().insert(t);
            }
        }
    }
    let mut found = Vec::new();
    for (a, targets) in &edges {
        for b in targets {
            if a < b && edges.get(b).is_some_and(|t| t.contains(a)) {
                found.push(format!("{} <-> {}", a.join("::"), b.join("::")));
            }
        }
    }
    // Longer cycles: a path from b back to a through other modules.
    for (a, targets) in &edges {
        for b in targets {
            let mut seen = BTreeSet::new();
            let mut stack = vec![b.clone()];
            while let Some(n) = stack.pop() {
                if !seen.insert(n.clone()) {
                    continue;
                }
                for next in edges.get(&n).into_iter().flatten() {
                    if next == a && &n != a && n != *b {
                        found.push(format!(
                            "{} -> {} -> … -> {}",
                            a.join("::"),
                            b.join("::"),
                            a.join("::")
                        ));
                    }
                    stack.push(next.clone());
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn no_import_cycles_in_the_product() {
    let c = cycles("src");
    assert!(c.is_empty(), "{c:#?}");
}

#[test]
fn no_import_cycles_in_the_simulator() {
    let c = cycles("sim/src");
    assert!(c.is_empty(), "{c:#?}");
}

#[test]
fn the_product_does_not_carry_the_simulators_http_stack() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    for dep in ["axum", "hyper", "hyper-util", "http-body-util"] {
        assert!(
            !deps
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{dep} "))
                    || l.trim_start().starts_with(&format!("{dep}="))),
            "{dep} is a product dependency"
        );
    }
    assert!(
        deps.contains("agentdeck-sim"),
        "the sim is a workspace member"
    );
}
