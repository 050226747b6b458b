//! The bundled stack (manifests/), embedded in the binary so it works from any directory.

use serde::Deserialize;
use serde_json::Value;

/// (file name, contents) of every bundled manifest, in apply order.
pub(crate) static BUNDLED: &[(&str, &str)] = &[
    (
        "00-namespaces.yaml",
        include_str!("../manifests/00-namespaces.yaml"),
    ),
    (
        "10-agent-deployment.yaml",
        include_str!("../manifests/10-agent-deployment.yaml"),
    ),
    (
        "11-agent-service.yaml",
        include_str!("../manifests/11-agent-service.yaml"),
    ),
    (
        "12-agent-hpa.yaml",
        include_str!("../manifests/12-agent-hpa.yaml"),
    ),
    ("20-redis.yaml", include_str!("../manifests/20-redis.yaml")),
    (
        "30-networkpolicy.yaml",
        include_str!("../manifests/30-networkpolicy.yaml"),
    ),
    (
        "40-istio-virtualservice.yaml",
        include_str!("../manifests/40-istio-virtualservice.yaml"),
    ),
    (
        "50-prometheus-config.yaml",
        include_str!("../manifests/50-prometheus-config.yaml"),
    ),
];

/// One YAML document of a manifest file.
#[derive(Debug, Clone)]
pub struct Document {
    pub file: String,
    /// 1-based line where the document starts.
    pub line: usize,
    pub object: Value,
}

/// A YAML error, naming the file and line.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{file}:{line}: invalid YAML: {message}")]
pub(crate) struct YamlError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Parse a multi-document YAML file; empty documents are skipped.
pub(crate) fn parse(file: &str, text: &str) -> Result<Vec<Document>, YamlError> {
    let mut out = Vec::new();
    // Track where each document starts so errors and results can name the line.
    let mut starts = vec![1usize];
    for (i, l) in text.lines().enumerate() {
        if l.trim_end() == "---" {
            starts.push(i + 2);
        }
    }
    for (idx, de) in serde_yaml_ng::Deserializer::from_str(text).enumerate() {
        let start = starts.get(idx).copied().unwrap_or(1);
        let v = Value::deserialize(de).map_err(|e| YamlError {
            file: file.to_string(),
            line: e.location().map(|l| l.line()).unwrap_or(start),
            message: e.to_string(),
        })?;
        if v.is_null() {
            continue;
        }
        if !v.is_object() {
            return Err(YamlError {
                file: file.to_string(),
                line: start,
                message: "a Kubernetes object must be a mapping".into(),
            });
        }
        out.push(Document {
            file: file.to_string(),
            line: start,
            object: v,
        });
    }
    Ok(out)
}

/// Every bundled document, in order.
pub(crate) fn bundled() -> Result<Vec<Document>, YamlError> {
    let mut out = Vec::new();
    for (f, t) in BUNDLED {
        out.extend(parse(f, t)?);
    }
    Ok(out)
}

#[cfg(test)]
#[path = "manifests_tests.rs"]
mod tests;

/// The bundled stack as the simulated cluster's preload documents.
#[cfg(feature = "simulator")]
pub fn bundled_preload() -> Result<Vec<agentdeck_sim::PreloadDoc>, String> {
    let docs = bundled().map_err(|e| e.to_string())?;
    Ok(docs
        .into_iter()
        .map(|d| agentdeck_sim::PreloadDoc {
            origin: format!("{}:{}", d.file, d.line),
            object: d.object,
        })
        .collect())
}
