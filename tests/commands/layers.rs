//! The architecture, checked by reading the sources: the data layers (`cluster`, `ops`, `metrics`,
//! `problems`, `fleet`, `alerts`, the simulator crate) never import the terminal side (`app`, `ui`, `tui`, ratatui,
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

/// "ops::scale" for src/ops/scale.rs (mod.rs, lib.rs and *_tests.rs
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
        "mod_tests" => {}
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
    bad.extend(offenders("src/ops", &terminal));
    bad.extend(offenders("src/problems", &terminal));
    bad.extend(offenders("src/fleet", &terminal));
    bad.extend(offenders("src/alerts", &terminal));
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
        if ident.is_empty() {
            break;
        }
        if !ident.starts_with(|c: char| c.is_lowercase()) {
            // An item (`Sim`): the last element, resolved through re-exports.
            base.push(ident);
            return vec![base];
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
    for (i, _) in c.match_indices("self::") {
        if c[..i].ends_with(|ch: char| ch.is_ascii_alphanumeric() || ch == '_' || ch == ':') {
            continue;
        }
        for p in paths_at(&c[i + "self::".len()..]) {
            let mut full = module.to_vec();
            full.extend(p);
            out.insert(full);
        }
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

type Path_ = Vec<String>;

/// What each module re-exports: (module, name) → the full path it stands for, from its
/// `pub use` and `pub(crate) use` lines (`pub use self::cluster::{Sim, Usage};` at the
/// root makes `crate::Sim` mean `crate::cluster::Sim`).
fn re_exports(src: &Path, files: &[PathBuf]) -> BTreeMap<(Path_, String), Path_> {
    let mut out = BTreeMap::new();
    for f in files {
        let m = module_of(src, f);
        let c = code(f);
        for pat in ["pub use ", "pub(crate) use "] {
            for (i, _) in c.match_indices(pat) {
                let rest = &c[i + pat.len()..];
                let (mut base, rest) = if let Some(r) = rest.strip_prefix("crate::") {
                    (Vec::new(), r)
                } else if let Some(r) = rest.strip_prefix("self::") {
                    (m.clone(), r)
                } else if rest.starts_with("super::") {
                    let mut b = m.clone();
                    let mut r = rest;
                    while let Some(x) = r.strip_prefix("super::") {
                        b.pop();
                        r = x;
                    }
                    (b, r)
                } else {
                    (m.clone(), rest)
                };
                for p in paths_at(rest) {
                    let Some(name) = p.last() else { continue };
                    let mut full = std::mem::take(&mut base);
                    full.extend(p.iter().cloned());
                    base = full[..full.len() - p.len()].to_vec();
                    out.insert((m.clone(), name.clone()), full);
                }
            }
        }
    }
    out
}

/// The module a path lands in, through re-exports: the longest prefix that is a module,
/// unless the next element is a name that module re-exports from elsewhere.
fn land(
    path: &[String],
    modules: &BTreeSet<Path_>,
    aliases: &BTreeMap<(Path_, String), Path_>,
    depth: usize,
) -> Option<Path_> {
    let n = (0..=path.len())
        .rev()
        .find(|n| modules.contains(&path[..*n]))?;
    let m = path[..n].to_vec();
    if depth < 8
        && let Some(next) = path.get(n)
        && let Some(target) = aliases.get(&(m.clone(), next.clone()))
        && target.as_slice() != path
    {
        let mut full = target.clone();
        full.extend(path[n + 1..].iter().cloned());
        return land(&full, modules, aliases, depth + 1);
    }
    Some(m)
}

/// Every import of one module by another, names seen through re-exports (`crate::Sim`
/// is `cluster`), except a module using its ancestors' items.
fn import_edges(src: &Path) -> BTreeMap<Path_, BTreeSet<Path_>> {
    let files = rust_files(src);
    let modules: BTreeSet<Path_> = files.iter().map(|f| module_of(src, f)).collect();
    let aliases = re_exports(src, &files);
    let mut edges: BTreeMap<Path_, BTreeSet<Path_>> = BTreeMap::new();
    // Tests sit above the module they test (they may build a whole cluster).
    let is_test = |f: &PathBuf| {
        let stem = f.file_stem().unwrap_or_default().to_string_lossy();
        stem == "tests" || stem.ends_with("_tests")
    };
    for f in files.iter().filter(|f| !is_test(f)) {
        let m = module_of(src, f);
        for r in references(&m, &code(f)) {
            let Some(t) = land(&r, &modules, &aliases, 0) else {
                continue;
            };
            // A child using its parent's items is the usual shape; a parent using (or
            // re-exporting) a child's is a dependency like any other.
            if m.starts_with(&t) {
                continue;
            }
            edges.entry(m.clone()).or_default().insert(t);
        }
    }
    edges
}

/// The simulator's old shape, in small: the cluster held the incidents' switches
/// (defined beside the staging), and staging reached the cluster through the root's
/// re-export — a loop an import-by-path check cannot see.
#[test]
fn a_loop_through_a_re_export_is_a_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    let write = |p: &str, c: &str| {
        let p = src.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, c).unwrap();
    };
    write(
        "lib.rs",
        "pub mod cluster;\npub mod incidents;\npub use self::cluster::Sim;\n",
    );
    write(
        "cluster.rs",
        "pub struct Sim { pub incidents: crate::incidents::Active }\n",
    );
    write(
        "incidents/mod.rs",
        "mod stage;\npub use self::stage::stage;\npub struct Active;\n",
    );
    write(
        "incidents/stage.rs",
        "use crate::{Sim};\npub fn stage(_: &Sim) {}\n",
    );
    let c = cycles(src);
    assert!(
        c.iter()
            .any(|l| l.contains("cluster") && l.contains("incidents")),
        "{c:#?}"
    );
    // With the switches in a leaf of their own, no loop.
    write("incident.rs", "pub struct Active;\n");
    write(
        "cluster.rs",
        "pub struct Sim { pub incidents: crate::incident::Active }\n",
    );
    write(
        "incidents/mod.rs",
        "mod stage;\npub use self::stage::stage;\n",
    );
    assert!(cycles(src).is_empty(), "{:#?}", cycles(src));
}

#[test]
fn imports_are_seen_through_re_exports() {
    let sim = root().join("sim/src");
    let e = import_edges(&sim);
    let has = |a: &[&str], b: &[&str]| {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        e.get(&v(a)).is_some_and(|t| t.contains(&v(b)))
    };
    // `use crate::{Sim, …}` in the controllers is an import of `cluster`.
    assert!(has(&["controllers", "pods"], &["cluster"]), "{e:#?}");
    assert!(has(&["controllers"], &["cluster"]), "{e:#?}");
    // The loop this once hid: the cluster holds the incidents' switches, staging them
    // needs the cluster. The switches are a leaf now.
    assert!(has(&["incidents", "stage"], &["cluster"]));
    assert!(
        has(&["incidents"], &["incidents", "stage"]),
        "the re-export"
    );
    assert!(!has(&["cluster"], &["incidents"]));
    assert!(has(&["cluster"], &["incident"]));
}

/// Import cycles between modules of the crate whose sources are in `src`, names seen
/// through re-exports (a child using its parent's items does not count).
fn cycles(src: &Path) -> Vec<String> {
    let edges = import_edges(src);
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
    let c = cycles(&root().join("src"));
    assert!(c.is_empty(), "{c:#?}");
}

#[test]
fn no_import_cycles_in_the_simulator() {
    let c = cycles(&root().join("sim/src"));
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
    let sim = deps
        .lines()
        .find(|l| l.starts_with("agentdeck-sim "))
        .expect("the sim is a workspace member");
    assert!(
        sim.contains("optional = true"),
        "the simulator is an optional feature: {sim}"
    );
}

/// The product uses the simulator through its door — the items the crate's root
/// re-exports (`sim/src/door.rs`) — never one of its modules.
#[test]
fn the_product_names_no_simulator_module() {
    let sim = root().join("sim/src");
    let modules: Vec<String> = std::fs::read_dir(&sim)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|m| m != "lib")
        .collect();
    assert!(modules.contains(&"incidents".to_string()), "{modules:?}");
    let mut words: Vec<String> = Vec::new();
    for m in &modules {
        words.push(format!("agentdeck_sim::{m}"));
        words.push(format!("sim::{m}::"));
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let bad = offenders("src", &words);
    assert!(bad.is_empty(), "{bad:#?}");
}

/// What reaches the App keeps its type: no `Result<_, String>` in a message (an error's
/// `Display` is its one wording, written where it is made).
#[test]
fn messages_carry_typed_errors() {
    let c = code(&root().join("src/app/msg.rs"));
    let flat: String = c.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut bad = Vec::new();
    for (i, _) in flat.match_indices("Result<") {
        let mut depth = 0;
        let end = flat[i..]
            .char_indices()
            .find(|(_, ch)| {
                depth += match ch {
                    '<' => 1,
                    '>' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map_or(flat.len(), |(j, _)| i + j);
        let ty = &flat[i..=end.min(flat.len() - 1)];
        if ty.ends_with(", String>") {
            bad.push(ty.to_string());
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}
