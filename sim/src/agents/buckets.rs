//! Every metrics profile's latency bucket bounds, in one leaf module: the profiles export
//! with them and [`super::fine`] keeps its per-code histograms on their union (a leaf, so
//! neither imports the other).

// From profile/otel.rs.
/// `gen_ai.client.operation.duration` advised boundaries (seconds).
pub const DURATION_BUCKETS: &[f64] = &[
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

// From profile/litellm.rs.
/// `LATENCY_BUCKETS` of `litellm/types/integrations/prometheus.py` (+Inf implied).
pub const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0,
    5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 15.0, 20.0, 25.0, 30.0, 60.0, 120.0, 180.0,
    240.0, 300.0,
];

// From profile/vllm.rs.
/// `request_latency_buckets` of `PrometheusStatLogger` (seconds, +Inf implied).
pub const REQUEST_LATENCY_BUCKETS: &[f64] = &[
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0,
    480.0, 960.0, 1920.0, 7680.0,
];

// From profile/fastapi.rs.
/// `latency_highr_buckets` defaults (seconds).
pub const HIGHR_BUCKETS: &[f64] = &[
    0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0,
    7.5, 10.0, 30.0, 60.0,
];

// From profile/fastapi.rs.
/// `latency_lowr_buckets` defaults (seconds).
pub const LOWR_BUCKETS: &[f64] = &[0.1, 0.5, 1.0];

// From profile/tgi.rs.
/// The duration buckets of `server.rs`, computed the same way.
pub fn duration_buckets() -> Vec<f64> {
    let mut value = 0.0001;
    (0..35)
        .map(|_| {
            value *= 1.5;
            value
        })
        .collect()
}

/// Every bound any profile's latency histogram uses (unsorted, with repeats).
pub fn latency_bounds() -> Vec<f64> {
    let mut v = Vec::new();
    v.extend_from_slice(DURATION_BUCKETS);
    v.extend_from_slice(LATENCY_BUCKETS);
    v.extend_from_slice(REQUEST_LATENCY_BUCKETS);
    v.extend_from_slice(HIGHR_BUCKETS);
    v.extend_from_slice(LOWR_BUCKETS);
    v.extend(duration_buckets());
    v
}
