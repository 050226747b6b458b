//! `tgi`: each agent pod is read as a self-hosted Hugging Face Text Generation Inference
//! server (started with `--api-key`, `--max-input-tokens 8192`, `--max-total-tokens
//! 16384`), one model per server: no model label.
//!
//! Sources: huggingface/text-generation-inference @db931fc `router/src/server.rs`
//! (`tgi_request_count` counted when a request enters a handler; `tgi_request_success`
//! and the histograms `tgi_request_duration`, `tgi_request_input_length`,
//! `tgi_request_generated_tokens` recorded on success; the buckets: durations
//! `0.0001 × 1.5^k`, k = 1..35, input length `max_input_tokens / 100 × k` and generated
//! tokens `max_total_tokens / 100 × k`, k = 1..100; the `--api-key` middleware answers 401
//! before any handler), `router/src/infer/mod.rs` (`tgi_request_failure{err="overloaded"}`
//! when the concurrency limit refuses — TGI's 429 —, `validation`, `incomplete`,
//! `template`) and `backends/v3/src/backend.rs` (`err="generation"` on a generation error,
//! `err="dropped"` when the client went away). The names are the `metrics` crate's as
//! written by `metrics-exporter-prometheus` 0.15 (Cargo.toml): counters keep their name
//! (no `_total`), integer values, no HELP (nothing is described).
//!
//! Mapping: 200 → success (duration, input and generated tokens); 401 → nothing (the
//! middleware rejects it before the counters); 429 → `overloaded`; 500 → `generation`;
//! 504 (egress blocked, read as generations that never finish) → the client gives up at
//! 30 s and TGI counts `dropped`.
//!
//! Incidents: `bad-key` → invisible (every series freezes; `tgi_request_count` stops);
//! `egress-blocked` → `tgi_request_failure{err="dropped"}` grows with
//! `tgi_request_count`, successes stop; `slow-provider` → `tgi_request_duration` six-fold.

use super::{HistOut, INPUT_SHARE, Le, Num, Out, PodSeries, code_count, latency};
use super::{ok_requests, token_hist};
pub use crate::agents::buckets::duration_buckets;
use crate::agents::model::{C200, C429, C500, C504, MODELS};

const MAX_INPUT_TOKENS: f64 = 8192.0;
const MAX_TOTAL_TOKENS: f64 = 16384.0;
const FMT: (Le, Num) = (Le::Rust, Num::Int);

fn linear(max: f64) -> Vec<f64> {
    (0..100).map(|x| (max / 100.0) * (x + 1) as f64).collect()
}

pub fn render(out: &mut Out, pods: &[(&str, &PodSeries)]) {
    for (name, codes) in [
        ("tgi_request_count", &[C200, C429, C500, C504][..]),
        ("tgi_request_success", &[C200][..]),
    ] {
        out.family(name, "counter", "");
        for (pod, ps) in pods {
            let n: f64 = codes.iter().map(|c| code_count(ps, *c)).sum();
            out.count(name, pod, &[], n, Num::Int);
        }
    }
    let name = "tgi_request_failure";
    out.family(name, "counter", "");
    for (pod, ps) in pods {
        for (err, code) in [
            ("overloaded", C429),
            ("generation", C500),
            ("dropped", C504),
        ] {
            out.count(name, pod, &[("err", err)], code_count(ps, code), Num::Int);
        }
    }
    let name = "tgi_request_duration";
    out.family(name, "histogram", "");
    let b = duration_buckets();
    for (pod, ps) in pods {
        let h = latency(ps, &b, &[C200], 1.0);
        out.histogram(name, pod, &[], &b, FMT, &h);
    }
    for (name, max, share) in [
        ("tgi_request_input_length", MAX_INPUT_TOKENS, INPUT_SHARE),
        (
            "tgi_request_generated_tokens",
            MAX_TOTAL_TOKENS,
            1.0 - INPUT_SHARE,
        ),
    ] {
        out.family(name, "histogram", "");
        let b = linear(max);
        for (pod, ps) in pods {
            let mut h = HistOut::new(b.len());
            for (i, (_, _, mean)) in MODELS.iter().enumerate() {
                h.add(&token_hist(&b, ok_requests(ps, i), mean * share));
            }
            out.histogram(name, pod, &[], &b, FMT, &h);
        }
    }
}
