"""An app calling an LLM through the official `openai` client, instrumented by
`opentelemetry-instrumentation-openai-v2`, its metrics exported for Prometheus by
`opentelemetry-exporter-prometheus` — nobody's code but theirs between the calls and /metrics.

    python otel_openai_app.py PROVIDER_BASE_URL METRICS_PORT [--rate 5] [--duration 900]

PROVIDER_BASE_URL is the OpenAI-compatible base (http://127.0.0.1:PORT/v1). The app calls
chat completions with a mix of models at a steady rate (bounded: a few workers, a
maximum duration), catching the provider's errors (a 401 is openai.AuthenticationError),
and exits when its parent dies. Prints `READY otel-openai http://127.0.0.1:PORT/metrics`.
"""

import argparse
import itertools
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True
from lifetime import exit_with_parent, ready  # noqa: E402

import openai  # noqa: E402
from opentelemetry import metrics  # noqa: E402
from opentelemetry.exporter.prometheus import PrometheusMetricReader  # noqa: E402
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.resources import SERVICE_NAME, Resource  # noqa: E402
from prometheus_client import start_http_server  # noqa: E402

# The mix, as (model, weight): a request picks the next entry of the repeated list.
MIX = [("gpt-4.1", 3), ("claude-sonnet-4.5", 2), ("gemini-2.5-flash", 3), ("deepseek-v3.2", 2)]
PROMPTS = [
    "Summarise the incident report for the on-call engineer.",
    "Write a unit test for the retry policy.",
    "Explain the HPA scale-down stabilization window in two sentences.",
    "Draft a status page update about elevated latency.",
]


def setup_metrics(port: int) -> None:
    """The exporter's documented setup: a PrometheusMetricReader on the global MeterProvider,
    served by prometheus_client's own HTTP server."""
    reader = PrometheusMetricReader()
    provider = MeterProvider(
        resource=Resource.create({SERVICE_NAME: "otel-openai-app"}), metric_readers=[reader]
    )
    metrics.set_meter_provider(provider)
    OpenAIInstrumentor().instrument(meter_provider=provider)
    start_http_server(port, addr="127.0.0.1")


class Counts:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_outcome: dict[str, int] = {}

    def add(self, outcome: str) -> None:
        with self.lock:
            self.by_outcome[outcome] = self.by_outcome.get(outcome, 0) + 1


def call(client: openai.OpenAI, model: str, prompt: str, counts: Counts, slot) -> None:
    try:
        client.chat.completions.create(
            model=model,
            messages=[
                {"role": "system", "content": "You are a helpful operations agent."},
                {"role": "user", "content": prompt},
            ],
            max_tokens=512,
        )
        counts.add("ok")
    except openai.AuthenticationError:
        counts.add("401")
    except openai.APIError as e:
        counts.add(type(e).__name__)
    finally:
        slot.release()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("base_url")
    ap.add_argument("metrics_port", type=int)
    ap.add_argument("--rate", type=float, default=5.0, help="requests per second (max 20)")
    ap.add_argument("--duration", type=float, default=900.0, help="seconds before exiting")
    args = ap.parse_args()
    rate = min(max(args.rate, 0.1), 20.0)
    exit_with_parent(args.duration)

    setup_metrics(args.metrics_port)
    # max_retries=0: one call is one provider request (a 401 is not retried anyway).
    client = openai.OpenAI(
        base_url=args.base_url,
        api_key=os.environ.get("OPENAI_API_KEY", "sk-test-exporters"),
        max_retries=0,
        timeout=15.0,
    )
    ready("otel-openai", f"http://127.0.0.1:{args.metrics_port}/metrics")

    models = itertools.cycle([m for m, w in MIX for _ in range(w)])
    prompts = itertools.cycle(PROMPTS)
    counts = Counts()
    # Enough workers for the rate at the slowest model's latency; the pool bounds the load
    # if the provider slows down (calls queue instead of piling up).
    pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="call")
    in_flight = threading.BoundedSemaphore(24)
    start = time.monotonic()
    last_report = start
    for n in itertools.count():
        due = start + n / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        # When the provider stalls, skip a tick rather than queue calls without bound.
        if in_flight.acquire(blocking=False):
            pool.submit(call, client, next(models), next(prompts), counts, in_flight)
        else:
            counts.add("skipped")
        if time.monotonic() - last_report > 10:
            last_report = time.monotonic()
            with counts.lock:
                print(f"calls: {counts.by_outcome}", flush=True)


if __name__ == "__main__":
    main()
