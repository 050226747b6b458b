"""A bounded load driver for fastapi_agent.py: posts to its three agents at a steady rate
and probes /health and /ready as the kubelet would.

    python load.py SERVICE_URL [--rate 5] [--duration 900]

At most 16 requests are in flight (a slow service gets fewer, not a pile-up); exits after
the duration or when its parent dies. Prints a count of answers by status every 10 s.
"""

import argparse
import asyncio
import itertools
import sys
import time
from collections import Counter

sys.dont_write_bytecode = True
from lifetime import exit_with_parent, ready  # noqa: E402

import httpx  # noqa: E402

AGENTS = ["coder", "writer", "analyst"]
PROMPTS = [
    "Write a function that retries with exponential backoff.",
    "Draft release notes for version 2.3.",
    "What was the p95 latency trend last week?",
]


async def one(client: httpx.AsyncClient, method: str, path: str, body, counts: Counter, slot):
    try:
        r = await client.request(method, path, json=body)
        counts[r.status_code] += 1
    except httpx.HTTPError as e:
        counts[type(e).__name__] += 1
    finally:
        slot.release()


async def drive(url: str, rate: float) -> None:
    counts: Counter = Counter()
    slot = asyncio.Semaphore(16)
    tasks = set()
    agents = itertools.cycle(AGENTS)
    prompts = itertools.cycle(PROMPTS)
    async with httpx.AsyncClient(base_url=url, timeout=30.0) as client:
        ready("load", url)
        start = last_probe = last_report = time.monotonic()
        for n in itertools.count():
            due = start + n / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            now = time.monotonic()
            jobs = [("POST", f"/agent/{next(agents)}", {"prompt": next(prompts)})]
            if now - last_probe >= 1.0:
                last_probe = now
                jobs += [("GET", "/health", None), ("GET", "/ready", None)]
            for method, path, body in jobs:
                if slot.locked():
                    counts["skipped"] += 1
                    continue
                await slot.acquire()
                t = asyncio.create_task(one(client, method, path, body, counts, slot))
                tasks.add(t)
                t.add_done_callback(tasks.discard)
            if now - last_report >= 10.0:
                last_report = now
                print(f"answers: {dict(counts)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--rate", type=float, default=5.0, help="agent requests per second (max 20)")
    ap.add_argument("--duration", type=float, default=900.0, help="seconds before exiting")
    args = ap.parse_args()
    exit_with_parent(args.duration)
    asyncio.run(drive(args.url.rstrip("/"), min(max(args.rate, 0.1), 20.0)))


if __name__ == "__main__":
    main()
