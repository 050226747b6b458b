#!/usr/bin/env python3
"""Measure agentdeck's stack detection against a Prometheus holding many series.

    scripts/bench-detect.py [--series 10000] [--agentdeck target/release/agentdeck]

Serves one exposition with --series series (fifty teams' namespaces: a tenth of them LLM
series — OTel, LiteLLM, FastAPI, vLLM names — the rest other metrics), lets a local
Prometheus (Debian's `prometheus`, 127.0.0.1 only) scrape it, then runs
`agentdeck -n team-10 metrics -o json` a few times and prints the probe's time, its rows
and the size of Prometheus' answer to the same query.
"""
import argparse, http.server, json, os, shutil, socket, subprocess, sys, tempfile, threading, time, urllib.parse, urllib.request

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def exposition(n):
    lines = []
    llm = ["gen_ai_client_operation_duration_seconds_count", "litellm_total_tokens_metric_total",
           "http_requests_total", "vllm:generation_tokens_total"]
    for i in range(n):
        ns = f"team-{i % 50}"
        if i % 10 == 0:
            name = llm[(i // 10) % len(llm)]
            extra = f',status="{(i // 40) % 5 + 1}xx"' if name == "http_requests_total" else ""
        else:
            name = f"app_metric_{i % 200}_total"
            extra = ""
        lines.append(f'{name}{{namespace="{ns}",pod="p-{i}",series="{i}"{extra}}} {i}')
    return ("\n".join(lines) + "\n").encode()

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=10000)
    ap.add_argument("--agentdeck", default="target/release/agentdeck")
    a = ap.parse_args()
    body = exposition(a.series)

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers(); self.wfile.write(body)
        def log_message(self, *args): pass

    tport, pport = free_port(), free_port()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", tport), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    d = tempfile.mkdtemp()
    with open(f"{d}/p.yml", "w") as f:
        f.write(f"global:\n  scrape_interval: 2s\nscrape_configs:\n  - job_name: many\n    honor_labels: true\n    static_configs:\n      - targets: ['127.0.0.1:{tport}']\n")
    prom = subprocess.Popen(["prometheus", f"--config.file={d}/p.yml", f"--storage.tsdb.path={d}/data",
                             f"--web.listen-address=127.0.0.1:{pport}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{pport}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                q = urllib.parse.quote('count({__name__=~".+",job="many"})')
                r = json.load(urllib.request.urlopen(f"{url}/api/v1/query?query={q}", timeout=5))
                res = r["data"]["result"]
                if res and float(res[0]["value"][1]) >= a.series:
                    break
            except Exception:
                pass
            time.sleep(0.5)
        else:
            sys.exit("prometheus did not load the series")
        times = []
        for _ in range(5):
            out = subprocess.run([a.agentdeck, "-n", "team-10", "--prometheus-url", url, "metrics", "-o", "json"],
                                 capture_output=True, text=True, env={**os.environ, "AGENTDECK_LOG_FILE": f"{d}/log"})
            rep = json.loads(out.stdout)
            times.append(rep["probe"]["ms"])
        q = rep["probe"]["query"]
        raw = urllib.request.urlopen(f"{url}/api/v1/query?query={urllib.parse.quote(q)}", timeout=10).read()
        print(f"series in Prometheus: {a.series}")
        print(f"probe: {rep['probe']['rows']} rows, answer {len(raw)} bytes, "
              f"time ms min {min(times)} median {sorted(times)[2]} max {max(times)}")
        print(f"stacks: {rep['stacks']}")
    finally:
        prom.kill(); srv.shutdown(); shutil.rmtree(d, ignore_errors=True)

main()
