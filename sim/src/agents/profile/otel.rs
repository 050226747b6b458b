//! `otel-genai`: the agent's provider calls as the official `openai` client instrumented
//! by `opentelemetry-instrumentation-openai-v2` exports them through
//! `opentelemetry-exporter-prometheus` (client side, in the agent pod).
//!
//! Sources (read at the commits named):
//! - open-telemetry/opentelemetry-python-contrib @466ae4c
//!   `instrumentation-genai/opentelemetry-instrumentation-openai-v2/src/opentelemetry/instrumentation/openai_v2/patch.py`
//!   (`_record_metrics`: attributes `gen_ai.operation.name`, `gen_ai.system` = `openai`
//!   on the default (legacy) semconv path — the current conventions' `gen_ai.provider.name`
//!   only with `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` —,
//!   `gen_ai.request.model`, `gen_ai.response.model` (only when a response came back),
//!   `server.address`, and on failure `error.type = type(error).__qualname__`; token usage
//!   recorded only when the response has `usage`, types `input` and `output`
//!   (`GenAiTokenTypeValues.COMPLETION` is `"output"`));
//!   `util/opentelemetry-util-genai/src/opentelemetry/util/genai/instruments.py` (names,
//!   units `s` and `{token}`, the advised bucket boundaries below);
//!   `.../openai_v2/version.py` (scope version), `.../openai_v2/__init__.py` (schema URL
//!   1.30.0).
//! - open-telemetry/opentelemetry-python @0a5d76b
//!   `exporter/opentelemetry-exporter-prometheus/src/opentelemetry/exporter/prometheus/_mapping.py`
//!   (`map_unit`: `s` → `seconds`, the `{token}` annotation is dropped, so the family is
//!   `gen_ai_client_token_usage` with `_bucket`/`_sum`/`_count`, no `_token` suffix) and
//!   `__init__.py` (attribute dots → underscores; `otel_scope_name`,
//!   `otel_scope_version`, `otel_scope_schema_url` labels by default; `target_info`;
//!   `le` written as `f"{bound}"`, so the integer token bounds print as `1`, `4`, ...).
//!
//! There is no HTTP status label in OTel: a failure shows only as `error_type`, the
//! exception's class name — `AuthenticationError` (401), `RateLimitError` (429),
//! `InternalServerError` (500), `APITimeoutError` (a connect that never completes: the
//! egress block). The agent's client is taken to run with `max_retries=0`, so one
//! operation is one attempt of the sim's latency model.
//!
//! Incidents: `bad-key` → every operation is `error_type="AuthenticationError"`
//! (~60 ms) with no response model and no token usage; `egress-blocked` →
//! `error_type="APITimeoutError"` near 30 s (the 20.48–40.96 bucket);
//! `slow-provider` → the success durations grow six-fold. 503s of no ready pod: never
//! reach a client.

use super::{HistOut, Le, Num, Out, PROVIDER_MODEL_IDS, latency, ok_requests, token_hist};
use super::{INPUT_SHARE, PodSeries};
pub use crate::agents::buckets::DURATION_BUCKETS;
use crate::agents::model::{C200, C401, C429, C500, C504, MODELS, request_shares};

/// `gen_ai.client.token.usage` advised boundaries (tokens).
const TOKEN_BUCKETS: &[f64] = &[
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];

const DURATION: &str = "gen_ai_client_operation_duration_seconds";
const TOKENS: &str = "gen_ai_client_token_usage";
const SCOPE: [(&str, &str); 3] = [
    ("otel_scope_name", "opentelemetry.instrumentation.openai_v2"),
    (
        "otel_scope_schema_url",
        "https://opentelemetry.io/schemas/1.30.0",
    ),
    ("otel_scope_version", "2.5b0.dev"),
];
/// The provider's host, from the client's `base_url` (port 443 is the URL's default, so
/// `server.port` is not set).
const SERVER: &str = "api.holysheep.ai";
/// (code, `error.type`) of the failures.
const ERRORS: [(usize, &str); 4] = [
    (C401, "AuthenticationError"),
    (C429, "RateLimitError"),
    (C500, "InternalServerError"),
    (C504, "APITimeoutError"),
];

pub fn render(out: &mut Out, pods: &[(&str, &PodSeries)]) {
    target_info(out, pods);
    out.family(DURATION, "histogram", "GenAI operation duration.");
    for (pod, ps) in pods {
        durations(out, pod, ps);
    }
    out.family(
        TOKENS,
        "histogram",
        "Number of input and output tokens used.",
    );
    for (pod, ps) in pods {
        tokens(out, pod, ps);
    }
}

fn target_info(out: &mut Out, pods: &[(&str, &PodSeries)]) {
    out.family("target_info", "gauge", "Target metadata");
    for (pod, _) in pods {
        let l = [
            ("service_name", "ai-agent-service"),
            ("telemetry_sdk_language", "python"),
            ("telemetry_sdk_name", "opentelemetry"),
            ("telemetry_sdk_version", "1.45.0.dev"),
        ];
        out.sample("target_info", pod, &l, "1.0");
    }
}

fn durations(out: &mut Out, pod: &str, ps: &PodSeries) {
    let fmt = (Le::Py, Num::Py);
    for (i, (alias, _, _)) in MODELS.iter().enumerate() {
        let q = request_shares()[i];
        let h = latency(ps, DURATION_BUCKETS, &[C200], q);
        let mut l = common(alias);
        l.insert(2, ("gen_ai_response_model", PROVIDER_MODEL_IDS[i]));
        out.histogram(DURATION, pod, &l, DURATION_BUCKETS, fmt, &h);
        for (code, class) in ERRORS {
            let h = latency(ps, DURATION_BUCKETS, &[code], q);
            let mut l = vec![("error_type", class)];
            l.extend(common(alias));
            out.histogram(DURATION, pod, &l, DURATION_BUCKETS, fmt, &h);
        }
    }
}

/// The attributes every operation carries (sorted as the exporter's rows are built),
/// then the scope labels.
fn common(alias: &str) -> Vec<(&str, &str)> {
    let mut l = vec![
        ("gen_ai_operation_name", "chat"),
        ("gen_ai_request_model", alias),
        ("gen_ai_system", "openai"),
        ("server_address", SERVER),
    ];
    l.extend(SCOPE);
    l
}

fn tokens(out: &mut Out, pod: &str, ps: &PodSeries) {
    for (i, (alias, _, mean)) in MODELS.iter().enumerate() {
        let reqs = ok_requests(ps, i);
        for (kind, share) in [("input", INPUT_SHARE), ("output", 1.0 - INPUT_SHARE)] {
            let h: HistOut = token_hist(TOKEN_BUCKETS, reqs, mean * share);
            let mut l = common(alias);
            l.insert(2, ("gen_ai_response_model", PROVIDER_MODEL_IDS[i]));
            l.insert(4, ("gen_ai_token_type", kind));
            out.histogram(TOKENS, pod, &l, TOKEN_BUCKETS, (Le::Int, Num::Py), &h);
        }
    }
}
