//! Metric profiles: what each LLM stack exports to Prometheus, as data. A profile says,
//! for every quantity the dashboard shows, the series it needs and the PromQL that
//! computes it — or, in words, why that stack cannot tell it. Adding a stack is adding a
//! [`Profile`] to [`PROFILES`]; nothing else in the code knows a stack's names.
//!
//! Templates: `$namespace` (escaped at query time, see [`super::scope`]), `$range` (the
//! panels' 5m or the problems' `$window`) and `$quantile` (0.50, 0.95) are filled in by
//! [`super::plan`]. Names, types and labels are taken from each project's own source,
//! cited beside each profile; `../shared/llm-metrics.md` has the survey.

/// The label that names the model in a hand-written token-rate or spend query.
pub const MODEL_LABEL: &str = "model";
/// The label that names the agent in a hand-written per-agent query.
pub const AGENT_LABEL: &str = "agent";

/// How near the user a stack sits: with several stacks in one namespace (LiteLLM in front
/// of vLLM), each quantity is taken from the nearest one that has it, so a request is
/// never counted twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    /// The agent service itself (what users call).
    Service,
    /// A gateway between the agents and the model (LiteLLM).
    Gateway,
    /// The model server (vLLM, TGI).
    Server,
}

/// A series that must exist: a metric name, optionally with a label present, optionally
/// with that label's value matching a regex (anchored, as PromQL's `=~`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub metric: &'static str,
    pub label: Option<&'static str>,
    pub value: Option<&'static str>,
}

const fn need(metric: &'static str) -> Need {
    Need {
        metric,
        label: None,
        value: None,
    }
}

const fn with_label(metric: &'static str, label: &'static str, value: &'static str) -> Need {
    Need {
        metric,
        label: Some(label),
        value: Some(value),
    }
}

/// One way a stack spells a quantity: the series it needs and the PromQL over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spelling {
    pub needs: &'static [Need],
    pub promql: &'static str,
}

/// A quantity as a stack gives it: spellings tried in order (exporters disagree on
/// suffixes), or why the stack cannot tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Query(&'static [Spelling]),
    Cannot(&'static str),
}

/// One LLM stack's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// The config and CLI name (`[prometheus] profile = "otel-genai"`).
    pub id: &'static str,
    /// The name on screen.
    pub name: &'static str,
    pub layer: Layer,
    /// Any of these present in the namespace means the stack is there.
    pub identity: &'static [Need],
    /// The labels that name the model, first present wins (none: one model per server).
    pub model_labels: &'static [&'static str],
    /// Latency histogram: `$quantile` over `$range`, seconds.
    pub latency: Signal,
    /// The highest finite bucket of the stack's default latency buckets, where it is low
    /// enough to matter (ms): a quantile in the +Inf bucket reads as this bound.
    pub latency_cap_ms: Option<u32>,
    /// Requests per second.
    pub requests: Signal,
    /// Tokens per second, by the model labels.
    pub tokens: Signal,
    /// Share (0..1) of requests the provider rejected as unauthorized (a bad key).
    pub unauthorized: Signal,
    /// Share answered "rate limited" (429).
    pub rate_limited: Signal,
    /// Share of provider calls that timed out (504).
    pub timeouts: Signal,
    /// Share answered with any 4xx, for stacks that group status codes.
    pub client_errors: Signal,
    /// Share answered with any 5xx, for stacks that group status codes.
    pub server_errors: Signal,
    /// USD per second by the model labels, where the stack counts spend itself.
    pub spend: Signal,
    /// Pods serving the model, where the bill is GPU time rather than tokens.
    pub servers: Signal,
    /// The labels that name the agent (or the route it is called on), first present wins.
    pub agent_labels: &'static [&'static str],
    /// Per agent: latency `$quantile` over `$range` (s), by the agent labels.
    pub agent_latency: Signal,
    /// Per agent: requests per second.
    pub agent_requests: Signal,
    /// Per agent: share (0..1) of requests that failed.
    pub agent_errors: Signal,
}

/// Why a gateway or a model server cannot break its numbers down by agent.
const GATEWAY_NO_AGENT: &str = "LiteLLM sees models and API keys, not the agents that call it";
const SERVER_NO_AGENT: &str = "a model server does not know which agent called it";

// ---------------------------------------------------------------------------------------
// example — the bundled stack's agents (manifests/, the seed's Grafana board):
// http_request_duration_seconds{agent}, http_requests_total{code},
// ai_tokens_used_total{model}.
/// `http_requests_total` with exact status codes: the example stack's, not the FastAPI
/// instrumentator's grouped `status="4xx"` (the same name; a `code="401"` query over the
/// grouped counter would find nothing and read as 0 %).
const EXACT_CODES: Need = with_label("http_requests_total", "code", "[1-5][0-9][0-9]");

const EXAMPLE: Profile = Profile {
    id: "example",
    name: "example stack",
    layer: Layer::Service,
    identity: &[EXACT_CODES, need("ai_tokens_used_total")],
    model_labels: &["model"],
    latency: Signal::Query(&[Spelling {
        needs: &[need("http_request_duration_seconds_count")],
        promql: "histogram_quantile($quantile, sum by (le) (rate(http_request_duration_seconds_bucket{namespace=\"$namespace\"}[$range])))",
    }]),
    latency_cap_ms: None,
    requests: Signal::Query(&[Spelling {
        needs: &[EXACT_CODES],
        promql: "sum(rate(http_requests_total{namespace=\"$namespace\"}[$range]))",
    }]),
    tokens: Signal::Query(&[Spelling {
        needs: &[need("ai_tokens_used_total")],
        promql: "sum by (model) (rate(ai_tokens_used_total{namespace=\"$namespace\"}[$range]))",
    }]),
    unauthorized: Signal::Query(&[Spelling {
        needs: &[EXACT_CODES],
        promql: "(sum(rate(http_requests_total{namespace=\"$namespace\",code=\"401\"}[$range])) or vector(0)) / sum(rate(http_requests_total{namespace=\"$namespace\"}[$range]))",
    }]),
    rate_limited: Signal::Query(&[Spelling {
        needs: &[EXACT_CODES],
        promql: "(sum(rate(http_requests_total{namespace=\"$namespace\",code=\"429\"}[$range])) or vector(0)) / sum(rate(http_requests_total{namespace=\"$namespace\"}[$range]))",
    }]),
    timeouts: Signal::Query(&[Spelling {
        needs: &[EXACT_CODES],
        promql: "(sum(rate(http_requests_total{namespace=\"$namespace\",code=\"504\"}[$range])) or vector(0)) / sum(rate(http_requests_total{namespace=\"$namespace\"}[$range]))",
    }]),
    client_errors: Signal::Cannot("not needed: status codes are exact"),
    server_errors: Signal::Cannot("not needed: status codes are exact"),
    spend: Signal::Cannot("the example stack counts tokens, not spend: priced from [[models]]"),
    servers: Signal::Cannot("billed per token"),
    agent_labels: &["agent"],
    agent_latency: Signal::Query(&[Spelling {
        needs: &[need("http_request_duration_seconds_count")],
        promql: "histogram_quantile($quantile, sum by (le, agent) (rate(http_request_duration_seconds_bucket{namespace=\"$namespace\"}[$range])))",
    }]),
    agent_requests: Signal::Query(&[Spelling {
        needs: &[need("http_request_duration_seconds_count")],
        promql: "sum by (agent) (rate(http_request_duration_seconds_count{namespace=\"$namespace\"}[$range]))",
    }]),
    agent_errors: Signal::Cannot(
        "the example stack counts status codes per pod, not per agent (http_requests_total has no agent label)",
    ),
};

// ---------------------------------------------------------------------------------------
// OpenTelemetry GenAI semantic conventions, client side (open-telemetry/semantic-conventions
// docs/gen-ai/gen-ai-metrics.md: gen_ai.client.operation.duration (s),
// gen_ai.client.token.usage ({token}, gen_ai.token.type input|output), error.type on
// failures), exported under the Prometheus naming rules of opentelemetry-specification
// specification/compatibility/prometheus_and_openmetrics.md (dots → underscores, unit
// suffix `_seconds`; `{token}` is an annotation and adds no suffix, older exporters
// wrote `_token`). No HTTP status label: failures are told apart by error_type, whose
// values come from the instrumentation (the openai-v2 instrumentation writes the
// exception's class name: AuthenticationError for a 401, RateLimitError, APITimeoutError).
const OTEL_DURATION: Spelling = Spelling {
    needs: &[need("gen_ai_client_operation_duration_seconds_count")],
    promql: "histogram_quantile($quantile, sum by (le) (rate(gen_ai_client_operation_duration_seconds_bucket{namespace=\"$namespace\"}[$range])))",
};
const OTEL_SERVER_DURATION: Spelling = Spelling {
    needs: &[need("gen_ai_server_request_duration_seconds_count")],
    promql: "histogram_quantile($quantile, sum by (le) (rate(gen_ai_server_request_duration_seconds_bucket{namespace=\"$namespace\"}[$range])))",
};
const OTEL: Profile = Profile {
    id: "otel-genai",
    name: "OTel GenAI",
    layer: Layer::Service,
    identity: &[
        need("gen_ai_client_operation_duration_seconds_count"),
        need("gen_ai_client_token_usage_count"),
        need("gen_ai_client_token_usage_token_count"),
        need("gen_ai_server_request_duration_seconds_count"),
    ],
    model_labels: &["gen_ai_request_model", "gen_ai_response_model"],
    latency: Signal::Query(&[OTEL_DURATION, OTEL_SERVER_DURATION]),
    latency_cap_ms: None,
    requests: Signal::Query(&[
        Spelling {
            needs: &[need("gen_ai_client_operation_duration_seconds_count")],
            promql: "sum(rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\"}[$range]))",
        },
        Spelling {
            needs: &[need("gen_ai_server_request_duration_seconds_count")],
            promql: "sum(rate(gen_ai_server_request_duration_seconds_count{namespace=\"$namespace\"}[$range]))",
        },
    ]),
    tokens: Signal::Query(&[
        Spelling {
            needs: &[need("gen_ai_client_token_usage_sum")],
            promql: "sum by (gen_ai_request_model, gen_ai_response_model) (rate(gen_ai_client_token_usage_sum{namespace=\"$namespace\",gen_ai_token_type=~\"input|output\"}[$range]))",
        },
        Spelling {
            needs: &[need("gen_ai_client_token_usage_token_sum")],
            promql: "sum by (gen_ai_request_model, gen_ai_response_model) (rate(gen_ai_client_token_usage_token_sum{namespace=\"$namespace\",gen_ai_token_type=~\"input|output\"}[$range]))",
        },
    ]),
    unauthorized: Signal::Query(&[Spelling {
        needs: &[need("gen_ai_client_operation_duration_seconds_count")],
        promql: "(sum(rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\",error_type=~\"AuthenticationError|401|.*[Uu]nauthori[sz]ed.*\"}[$range])) or vector(0)) / sum(rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\"}[$range]))",
    }]),
    rate_limited: Signal::Query(&[Spelling {
        needs: &[need("gen_ai_client_operation_duration_seconds_count")],
        promql: "(sum(rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\",error_type=~\"RateLimitError|429|.*[Rr]ate.?[Ll]imit.*\"}[$range])) or vector(0)) / sum(rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\"}[$range]))",
    }]),
    timeouts: Signal::Query(&[Spelling {
        needs: &[need("gen_ai_client_operation_duration_seconds_count")],
        promql: "(sum(rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\",error_type=~\"APITimeoutError|APIConnectionError|504|timeout|.*[Tt]imeout.*\"}[$range])) or vector(0)) / sum(rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\"}[$range]))",
    }]),
    client_errors: Signal::Cannot("not needed: failures carry error_type"),
    server_errors: Signal::Cannot("not needed: failures carry error_type"),
    spend: Signal::Cannot(
        "the OpenTelemetry GenAI conventions count tokens, not spend: priced from [[models]]",
    ),
    servers: Signal::Cannot("billed per token"),
    // gen_ai.agent.name is a span attribute in the conventions; instrumentations that copy
    // it onto the metrics give the breakdown, others are told apart at read time.
    agent_labels: &["gen_ai_agent_name"],
    agent_latency: Signal::Query(&[Spelling {
        needs: &[need("gen_ai_client_operation_duration_seconds_count")],
        promql: "histogram_quantile($quantile, sum by (le, gen_ai_agent_name) (rate(gen_ai_client_operation_duration_seconds_bucket{namespace=\"$namespace\"}[$range])))",
    }]),
    agent_requests: Signal::Query(&[Spelling {
        needs: &[need("gen_ai_client_operation_duration_seconds_count")],
        promql: "sum by (gen_ai_agent_name) (rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\"}[$range]))",
    }]),
    agent_errors: Signal::Query(&[Spelling {
        needs: &[need("gen_ai_client_operation_duration_seconds_count")],
        promql: "(sum by (gen_ai_agent_name) (rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\",error_type!=\"\"}[$range])) or 0 * sum by (gen_ai_agent_name) (rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\"}[$range]))) / sum by (gen_ai_agent_name) (rate(gen_ai_client_operation_duration_seconds_count{namespace=\"$namespace\"}[$range]))",
    }]),
};

// ---------------------------------------------------------------------------------------
// LiteLLM proxy (BerriAI/litellm litellm/types/integrations/prometheus.py,
// litellm/integrations/prometheus.py): latency histograms in seconds, token and spend
// counters by `model` (the provider's model id) and `requested_model` (the client's
// alias); failures by exception_status (408, 429, 5xx …).
const LITELLM: Profile = Profile {
    id: "litellm",
    name: "LiteLLM",
    layer: Layer::Gateway,
    identity: &[
        need("litellm_request_total_latency_metric_count"),
        need("litellm_total_tokens_metric_total"),
        need("litellm_total_tokens_total"),
        need("litellm_spend_metric_total"),
        need("litellm_proxy_total_requests_metric_total"),
    ],
    model_labels: &["model", "requested_model"],
    latency: Signal::Query(&[Spelling {
        needs: &[need("litellm_request_total_latency_metric_count")],
        promql: "histogram_quantile($quantile, sum by (le) (rate(litellm_request_total_latency_metric_bucket{namespace=\"$namespace\"}[$range])))",
    }]),
    latency_cap_ms: None,
    requests: Signal::Query(&[
        Spelling {
            needs: &[need("litellm_proxy_total_requests_metric_total")],
            promql: "sum(rate(litellm_proxy_total_requests_metric_total{namespace=\"$namespace\"}[$range]))",
        },
        Spelling {
            needs: &[need("litellm_request_total_latency_metric_count")],
            promql: "sum(rate(litellm_request_total_latency_metric_count{namespace=\"$namespace\"}[$range]))",
        },
    ]),
    tokens: Signal::Query(&[
        Spelling {
            needs: &[need("litellm_total_tokens_metric_total")],
            promql: "sum by (model) (rate(litellm_total_tokens_metric_total{namespace=\"$namespace\"}[$range]))",
        },
        Spelling {
            needs: &[need("litellm_total_tokens_total")],
            promql: "sum by (model) (rate(litellm_total_tokens_total{namespace=\"$namespace\"}[$range]))",
        },
    ]),
    // Its failure hook returns early on 401s (BerriAI/litellm PR #18788, early 2026; see
    // litellm/integrations/prometheus.py): a zero 401 share would be no evidence.
    unauthorized: Signal::Cannot(
        "LiteLLM's Prometheus hooks return early on 401s: requests the provider rejects are not counted",
    ),
    rate_limited: Signal::Query(&[Spelling {
        needs: &[
            need("litellm_proxy_failed_requests_metric_total"),
            need("litellm_proxy_total_requests_metric_total"),
        ],
        promql: "(sum(rate(litellm_proxy_failed_requests_metric_total{namespace=\"$namespace\",exception_status=\"429\"}[$range])) or vector(0)) / sum(rate(litellm_proxy_total_requests_metric_total{namespace=\"$namespace\"}[$range]))",
    }]),
    timeouts: Signal::Query(&[Spelling {
        needs: &[
            need("litellm_proxy_failed_requests_metric_total"),
            need("litellm_proxy_total_requests_metric_total"),
        ],
        promql: "(sum(rate(litellm_proxy_failed_requests_metric_total{namespace=\"$namespace\",exception_status=~\"408|504\"}[$range])) or vector(0)) / sum(rate(litellm_proxy_total_requests_metric_total{namespace=\"$namespace\"}[$range]))",
    }]),
    client_errors: Signal::Cannot("not needed: failures carry exception_status"),
    server_errors: Signal::Cannot("not needed: failures carry exception_status"),
    spend: Signal::Query(&[Spelling {
        needs: &[need("litellm_spend_metric_total")],
        promql: "sum by (model) (rate(litellm_spend_metric_total{namespace=\"$namespace\"}[$range]))",
    }]),
    servers: Signal::Cannot("billed per token"),
    agent_labels: &[],
    agent_latency: Signal::Cannot(GATEWAY_NO_AGENT),
    agent_requests: Signal::Cannot(GATEWAY_NO_AGENT),
    agent_errors: Signal::Cannot(GATEWAY_NO_AGENT),
};

// ---------------------------------------------------------------------------------------
// vLLM, V1 engine (vllm-project/vllm vllm/v1/metrics/loggers.py): the model server
// itself, one model per server named by `model_name`. Its HTTP layer is
// prometheus-fastapi-instrumentator (grouped status codes): see FASTAPI.
const VLLM: Profile = Profile {
    id: "vllm",
    name: "vLLM",
    layer: Layer::Server,
    identity: &[
        need("vllm:e2e_request_latency_seconds_count"),
        need("vllm:generation_tokens_total"),
    ],
    model_labels: &["model_name"],
    latency: Signal::Query(&[Spelling {
        needs: &[need("vllm:e2e_request_latency_seconds_count")],
        promql: "histogram_quantile($quantile, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace=\"$namespace\"}[$range])))",
    }]),
    latency_cap_ms: None,
    requests: Signal::Query(&[Spelling {
        needs: &[need("vllm:e2e_request_latency_seconds_count")],
        promql: "sum(rate(vllm:e2e_request_latency_seconds_count{namespace=\"$namespace\"}[$range]))",
    }]),
    tokens: Signal::Query(&[Spelling {
        needs: &[
            need("vllm:prompt_tokens_total"),
            need("vllm:generation_tokens_total"),
        ],
        promql: "sum by (model_name) (rate(vllm:prompt_tokens_total{namespace=\"$namespace\"}[$range])) + sum by (model_name) (rate(vllm:generation_tokens_total{namespace=\"$namespace\"}[$range]))",
    }]),
    unauthorized: Signal::Cannot(
        "vLLM serves the model itself: there is no provider key to reject",
    ),
    rate_limited: Signal::Cannot("vLLM queues requests rather than answering 429"),
    timeouts: Signal::Cannot("vLLM has no upstream provider to time out"),
    client_errors: Signal::Cannot("vLLM's own counters do not carry HTTP status"),
    server_errors: Signal::Cannot("vLLM's own counters do not carry HTTP status"),
    spend: Signal::Cannot("vLLM reports no spend: set [cost] gpu_hour_price"),
    servers: Signal::Query(&[Spelling {
        needs: &[need("vllm:e2e_request_latency_seconds_count")],
        promql: "count(count by (namespace, pod, instance) (vllm:e2e_request_latency_seconds_count{namespace=\"$namespace\"}))",
    }]),
    agent_labels: &[],
    agent_latency: Signal::Cannot(SERVER_NO_AGENT),
    agent_requests: Signal::Cannot(SERVER_NO_AGENT),
    agent_errors: Signal::Cannot(SERVER_NO_AGENT),
};

// ---------------------------------------------------------------------------------------
// prometheus-fastapi-instrumentator with its defaults (trallnag/
// prometheus-fastapi-instrumentator src/prometheus_fastapi_instrumentator/metrics.py
// `default()`): http_request_duration_seconds{handler,method} with buckets 0.1, 0.5, 1,
// http_requests_total{handler,method,status} with status grouped 2xx/4xx/5xx; the
// exposition's own /metrics is counted too (left out here with the probes).
const FASTAPI: Profile = Profile {
    id: "fastapi",
    name: "FastAPI instrumentator",
    layer: Layer::Service,
    identity: &[with_label("http_requests_total", "status", "[1-5]xx")],
    model_labels: &[],
    latency: Signal::Query(&[Spelling {
        needs: &[need("http_request_duration_seconds_count")],
        promql: "histogram_quantile($quantile, sum by (le) (rate(http_request_duration_seconds_bucket{namespace=\"$namespace\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range])))",
    }]),
    // Its default `latency_lowr_buckets` are (0.1, 0.5, 1) (+Inf): see above.
    latency_cap_ms: Some(1000),
    requests: Signal::Query(&[Spelling {
        needs: &[need("http_requests_total")],
        promql: "sum(rate(http_requests_total{namespace=\"$namespace\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range]))",
    }]),
    tokens: Signal::Cannot(
        "the FastAPI instrumentator counts HTTP requests, not tokens: add a token counter to the app and set prometheus.queries.tokens_per_second",
    ),
    unauthorized: Signal::Cannot(
        "this stack groups status codes (status=\"4xx\"): 401s cannot be told from other 4xx",
    ),
    rate_limited: Signal::Cannot(
        "this stack groups status codes (status=\"4xx\"): 429s cannot be told from other 4xx",
    ),
    timeouts: Signal::Cannot(
        "this stack groups status codes (status=\"5xx\"): 504s cannot be told from other 5xx",
    ),
    client_errors: Signal::Query(&[Spelling {
        needs: &[need("http_requests_total")],
        promql: "(sum(rate(http_requests_total{namespace=\"$namespace\",status=\"4xx\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range])) or vector(0)) / sum(rate(http_requests_total{namespace=\"$namespace\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range]))",
    }]),
    server_errors: Signal::Query(&[Spelling {
        needs: &[need("http_requests_total")],
        promql: "(sum(rate(http_requests_total{namespace=\"$namespace\",status=\"5xx\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range])) or vector(0)) / sum(rate(http_requests_total{namespace=\"$namespace\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range]))",
    }]),
    spend: Signal::Cannot("the FastAPI instrumentator reports no spend"),
    servers: Signal::Cannot("billed per token"), // The handler is the route template: agents behind one templated route
    // (`/agent/{agent_type}`) are one row, said so at read time.
    agent_labels: &["handler"],
    agent_latency: Signal::Query(&[Spelling {
        needs: &[need("http_request_duration_seconds_count")],
        promql: "histogram_quantile($quantile, sum by (le, handler) (rate(http_request_duration_seconds_bucket{namespace=\"$namespace\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range])))",
    }]),
    agent_requests: Signal::Query(&[Spelling {
        needs: &[need("http_requests_total")],
        promql: "sum by (handler) (rate(http_requests_total{namespace=\"$namespace\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range]))",
    }]),
    agent_errors: Signal::Query(&[Spelling {
        needs: &[need("http_requests_total")],
        promql: "(sum by (handler) (rate(http_requests_total{namespace=\"$namespace\",status=~\"4xx|5xx\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range])) or 0 * sum by (handler) (rate(http_requests_total{namespace=\"$namespace\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range]))) / sum by (handler) (rate(http_requests_total{namespace=\"$namespace\",handler!~\"/metrics|/health|/healthz|/ready|/readyz|/ping|none\"}[$range]))",
    }]),
};

// ---------------------------------------------------------------------------------------
// Hugging Face TGI (huggingface/text-generation-inference docs/source/reference/metrics.md,
// router/src/server.rs): histograms tgi_request_duration (s), tgi_request_input_length,
// tgi_request_generated_tokens; counters written by the Rust `metrics` exporter without
// `_total` (tgi_request_count, tgi_request_success, tgi_request_failure{err}). No model
// label: one model per server.
const TGI: Profile = Profile {
    id: "tgi",
    name: "TGI",
    layer: Layer::Server,
    identity: &[
        need("tgi_request_duration_count"),
        need("tgi_request_generated_tokens_count"),
    ],
    model_labels: &[],
    latency: Signal::Query(&[Spelling {
        needs: &[need("tgi_request_duration_count")],
        promql: "histogram_quantile($quantile, sum by (le) (rate(tgi_request_duration_bucket{namespace=\"$namespace\"}[$range])))",
    }]),
    latency_cap_ms: None,
    requests: Signal::Query(&[
        Spelling {
            needs: &[need("tgi_request_count")],
            promql: "sum(rate(tgi_request_count{namespace=\"$namespace\"}[$range]))",
        },
        Spelling {
            needs: &[need("tgi_request_duration_count")],
            promql: "sum(rate(tgi_request_duration_count{namespace=\"$namespace\"}[$range]))",
        },
    ]),
    tokens: Signal::Query(&[Spelling {
        needs: &[
            need("tgi_request_generated_tokens_sum"),
            need("tgi_request_input_length_sum"),
        ],
        promql: "sum(rate(tgi_request_generated_tokens_sum{namespace=\"$namespace\"}[$range])) + sum(rate(tgi_request_input_length_sum{namespace=\"$namespace\"}[$range]))",
    }]),
    unauthorized: Signal::Cannot("TGI serves the model itself: there is no provider key to reject"),
    rate_limited: Signal::Query(&[Spelling {
        needs: &[need("tgi_request_count")],
        promql: "(sum(rate(tgi_request_failure{namespace=\"$namespace\",err=\"overloaded\"}[$range])) or vector(0)) / sum(rate(tgi_request_count{namespace=\"$namespace\"}[$range]))",
    }]),
    timeouts: Signal::Cannot("TGI has no upstream provider to time out"),
    client_errors: Signal::Query(&[Spelling {
        needs: &[need("tgi_request_count")],
        promql: "(sum(rate(tgi_request_failure{namespace=\"$namespace\",err=\"validation\"}[$range])) or vector(0)) / sum(rate(tgi_request_count{namespace=\"$namespace\"}[$range]))",
    }]),
    server_errors: Signal::Query(&[Spelling {
        needs: &[need("tgi_request_count")],
        promql: "(sum(rate(tgi_request_failure{namespace=\"$namespace\",err!~\"validation|overloaded\"}[$range])) or vector(0)) / sum(rate(tgi_request_count{namespace=\"$namespace\"}[$range]))",
    }]),
    spend: Signal::Cannot("TGI reports no spend: set [cost] gpu_hour_price"),
    servers: Signal::Query(&[Spelling {
        needs: &[need("tgi_request_duration_count")],
        promql: "count(count by (namespace, pod, instance) (tgi_request_duration_count{namespace=\"$namespace\"}))",
    }]),
    agent_labels: &[],
    agent_latency: Signal::Cannot(SERVER_NO_AGENT),
    agent_requests: Signal::Cannot(SERVER_NO_AGENT),
    agent_errors: Signal::Cannot(SERVER_NO_AGENT),
};

/// Every profile, in the order detection reports them (within a layer, the first that can
/// give a quantity gives it: the FastAPI instrumentator's latency, which leaves out
/// `/metrics` and the probes, before the example's over the same histogram name).
pub const PROFILES: [Profile; 6] = [FASTAPI, EXAMPLE, OTEL, LITELLM, VLLM, TGI];

/// The profile with this config name.
pub fn by_id(id: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.id == id)
}

/// The config names, for messages.
pub fn ids() -> Vec<&'static str> {
    PROFILES.iter().map(|p| p.id).collect()
}

/// Every metric name any profile looks for (the detection request's `__name__`s), sorted
/// and without repeats.
pub fn probed_metrics() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = PROFILES
        .iter()
        .flat_map(|p| {
            let signals = p.signals();
            let mut v: Vec<&'static str> = p.identity.iter().map(|n| n.metric).collect();
            for s in signals {
                if let Signal::Query(sp) = s {
                    v.extend(sp.iter().flat_map(|s| s.needs.iter().map(|n| n.metric)));
                }
            }
            v
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The labels whose values detection needs to see (those of the identity needs).
pub fn probed_labels() -> Vec<&'static str> {
    let mut labels: Vec<&'static str> = PROFILES
        .iter()
        .flat_map(|p| p.identity.iter().filter_map(|n| n.label))
        .collect();
    labels.sort_unstable();
    labels.dedup();
    labels
}

impl Profile {
    /// Every signal, in a fixed order.
    pub fn signals(&self) -> [&Signal; 13] {
        [
            &self.latency,
            &self.requests,
            &self.tokens,
            &self.unauthorized,
            &self.rate_limited,
            &self.timeouts,
            &self.client_errors,
            &self.server_errors,
            &self.spend,
            &self.servers,
            &self.agent_latency,
            &self.agent_requests,
            &self.agent_errors,
        ]
    }
}

#[cfg(test)]
#[path = "profiles_tests.rs"]
mod tests;
