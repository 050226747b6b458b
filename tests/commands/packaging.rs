//! The crates package with what they embed: every `include_str!`/`include_bytes!` of the
//! product's and the simulator's sources names a file inside its crate's package, as real
//! `cargo package --list` reports it (what `cargo install` from crates.io would build).

use std::path::{Path, PathBuf};
use std::process::Command;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The files `src_dir`'s sources embed, relative to `crate_dir`.
fn embedded(crate_dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&crate_dir.join("src"), &mut files);
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for mac in ["include_str!(\"", "include_bytes!(\""] {
            for (i, _) in text.match_indices(mac) {
                let rest = &text[i + mac.len()..];
                let rel = &rest[..rest.find('"').unwrap()];
                let abs = f.parent().unwrap().join(rel).canonicalize().unwrap();
                let inside = abs
                    .strip_prefix(crate_dir.canonicalize().unwrap())
                    .unwrap_or_else(|_| panic!("{} embeds {rel}: outside its crate", f.display()));
                out.push(inside.to_string_lossy().into_owned());
            }
        }
    }
    out
}

fn package_list(name: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "-p", name])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo package --list");
    assert!(
        out.status.success(),
        "cargo package --list -p {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn every_embedded_file_is_in_its_package() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, dir) in [
        ("agentdeck", root.to_path_buf()),
        ("agentdeck-sim", root.join("sim")),
    ] {
        let list = package_list(name);
        for want in ["Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
            assert!(list.iter().any(|f| f == want), "{name}: {want} in {list:?}");
        }
        for f in embedded(&dir) {
            assert!(
                list.contains(&f),
                "{name} embeds {f}, which its package lacks"
            );
        }
    }
    let embedded = embedded(root);
    assert!(
        embedded.iter().any(|f| f.starts_with("manifests/")),
        "{embedded:?}"
    );
    assert!(
        embedded.iter().any(|f| f.starts_with("themes/")),
        "{embedded:?}"
    );
}
