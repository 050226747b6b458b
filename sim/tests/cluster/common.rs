//! The simulator tests' harness: a sim in this process on a free loopback port, preloaded
//! with the bundled stack's manifests (`../manifests`, read as fixtures), and a kube
//! client for it.
#![allow(dead_code)]

use agentdeck_sim::{PreloadDoc, SimConfig};

pub use super::harness::{client, client_with, eventually, http, start_sim};

/// The bundled stack (the workspace's `manifests/*.yaml`, in file order), as preload
/// documents.
pub fn bundled() -> Vec<PreloadDoc> {
    use serde::Deserialize;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the bundled manifests")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for (i, de) in serde_yaml_ng::Deserializer::from_str(&text).enumerate() {
            let object = serde_json::Value::deserialize(de).unwrap();
            if object.is_object() {
                out.push(PreloadDoc {
                    origin: format!("{name}#{i}"),
                    object,
                });
            }
        }
    }
    out
}

/// A sim config with the bundled stack preloaded, running `time_scale` times real time.
pub fn preload(time_scale: f64) -> SimConfig {
    SimConfig {
        preload: bundled(),
        time_scale,
        ..SimConfig::default()
    }
}
