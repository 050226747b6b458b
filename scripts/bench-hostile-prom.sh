#!/usr/bin/env bash
# The dashboard's memory and CPU while its Prometheus answers hostilely: the release build in
# tmux (200×50) against `agentdeck sim --preload`, with --prometheus-url pointing at a small
# Python server on loopback that gives the detection query a normal answer (so the panels'
# queries are asked) and every other /api/v1/* request the mode's answer:
#   none         no --prometheus-url (the baseline: no Prometheus at all)
#   huge         50 MB of series, Content-Length announced
#   huge-stream  the same 50 MB, no Content-Length (read until the connection closes)
#   models       a valid answer of 20,000 series with distinct `model` values (~1.2 MB)
#   html         a proxy's 502 page (text/html)
#   inf          +Inf and NaN values
# One line per mode after BENCH_SECS (30) s: peak RSS (VmHWM), RSS at the start and end of
# the period, CPU % of one core over it; then what the screen says of the metrics.
#   scripts/bench-hostile-prom.sh [MODE...]    (default: all of the above)
# BENCH_BIN=path runs another build of the dashboard (e.g. the one before a change).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECS="${BENCH_SECS:-30}"
MODES=("$@")
(( ${#MODES[@]} )) || MODES=(none huge huge-stream models html inf)
nice cargo build --release --locked --quiet
BIN="${BENCH_BIN:-./target/release/agentdeck}"
work="$(mktemp -d)"
session="agentdeck-hostile-$$"
simpid="" prompid=""
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    for p in $prompid $simpid; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/prom.py" <<'EOF'
import http.server, json, sys, time
mode, portfile = sys.argv[1], sys.argv[2]
DETECT = '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"http_requests_total","code":"200"},"value":[1,"1"]},{"metric":{"__name__":"ai_tokens_used_total"},"value":[1,"1"]},{"metric":{"__name__":"http_request_duration_seconds_count"},"value":[1,"1"]}]}}'
def answer(rng, rows):
    kind, key = ("matrix", "values") if rng else ("vector", "value")
    res = ",".join('{"metric":%s,"%s":%s}' % (m, key, "[%s]" % v if rng else v) for m, v in rows)
    return ('{"status":"success","data":{"resultType":"%s","result":[%s]}}' % (kind, res)).encode()
HUGE = {r: answer(r, [('{"model":"m"}', '[1,"1"]')] * 1_250_000) for r in (False, True)} if mode.startswith("huge") else {}
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self): self.do_GET()
    def do_GET(self):
        n = int(self.headers.get("Content-Length") or 0)
        asked = self.path + (self.rfile.read(n).decode(errors="replace") if n else "")
        rng, now = "query_range" in self.path, int(time.time())
        status, ctype, length = 200, "application/json", True
        if "group" in asked: body = DETECT.encode()
        elif mode.startswith("huge"): body, length = HUGE[rng], mode == "huge"
        elif mode == "models":
            body = answer(rng, [('{"model":"model-%05d"}' % i, '[%d,"%d.5"]' % (now, i)) for i in range(20000)])
        elif mode == "html":
            status, ctype, body = 502, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        else: body = answer(rng, [("{}", '[%d,"+Inf"]' % now), ('{"model":"m"}', '[%d,"NaN"]' % now)])
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length: self.send_header("Content-Length", str(len(body)))
        else: self.send_header("Connection", "close"); self.close_connection = True
        self.end_headers()
        try:
            for i in range(0, len(body), 1 << 16): self.wfile.write(body[i:i + (1 << 16)])
        except OSError: self.close_connection = True
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
s.daemon_threads = True
open(portfile + ".tmp", "w").write(str(s.server_port)); __import__("os").rename(portfile + ".tmp", portfile)
s.serve_forever()
EOF

./target/release/agentdeck sim --preload --kubeconfig-out "$work/kc" \
    --log-file "$work/sim.log" > "$work/sim.out" &
simpid=$!
until [[ -s "$work/kc" ]]; do sleep 0.05; done
sleep 2   # let the sim settle
hz=$(getconf CLK_TCK)
now_ms() { date +%s%3N; }
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
report=()
for mode in "${MODES[@]}"; do
    url_flag=""
    if [[ "$mode" != none ]]; then
        rm -f "$work/port"
        python3 "$work/prom.py" "$mode" "$work/port" &
        prompid=$!
        until [[ -s "$work/port" ]]; do sleep 0.05; done
        url_flag="--prometheus-url http://127.0.0.1:$(cat "$work/port")"
    fi
    rm -f "$work/pid"
    start=$(now_ms)
    tmux new-session -d -s "$session" -x 200 -y 50 \
        "echo \$\$ > $work/pid; HOME=$work exec $BIN --kubeconfig $work/kc $url_flag --log-file $work/tui-$mode.log"
    until [[ -s "$work/pid" ]]; do sleep 0.01; done
    pid=$(cat "$work/pid")
    # Until the metrics have an answer (or an error): the status line no longer waits.
    shown=""
    while (( $(now_ms) - start < 30000 )); do
        screen=$(tmux capture-pane -p -t "$session" 2>/dev/null || true)
        if grep -q ' metrics ' <<<"$screen" && ! grep -qE 'metrics (waiting|[a-z]+ waiting)|connecting' <<<"$screen"; then
            shown=$(( $(now_ms) - start )); break
        fi
        sleep 0.05
    done
    [[ -d "/proc/$pid" ]] || { echo "$mode: the dashboard exited"; cat "$work/tui-$mode.log"; exit 1; }
    t0=$(ticks "$pid") rss0=$(kib VmRSS "$pid")
    sleep "$SECS"
    [[ -d "/proc/$pid" ]] || { echo "$mode: the dashboard exited"; cat "$work/tui-$mode.log"; exit 1; }
    t1=$(ticks "$pid") rss1=$(kib VmRSS "$pid") hwm=$(kib VmHWM "$pid")
    tmux capture-pane -p -t "$session" > "$work/screen-$mode"
    if [[ -n "${BENCH_SCREENS:-}" ]]; then mkdir -p "$BENCH_SCREENS"; cp "$work/screen-$mode" "$BENCH_SCREENS/$mode.txt"; fi
    cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$SECS" 'BEGIN { printf "%.1f", (b - a) * 100 / hz / s }')
    report+=("$(printf '%-11s peak %7s MiB  start %7s MiB  end %7s MiB  CPU %5s %%  metrics shown after %s ms' \
        "$mode" "$(mib "$hwm")" "$(mib "$rss0")" "$(mib "$rss1")" "$cpu" "${shown:-?}")")
    # What the screen says of the metrics: the status line's part, the problems strip (the
    # lines above the first panel), the panels' errors (box drawing dropped).
    while IFS= read -r line; do report+=("    | $line"); done < <(
        { grep -o ' metrics .*' "$work/screen-$mode" | head -1
          awk '/^┌/ {exit} NR > 1' "$work/screen-$mode" | head -3
          awk -F'││' 'NF > 1 {print $NF}' "$work/screen-$mode" | sed -E 's/[│┐┘└─]+/ /g' |
              grep -v '^ *p50 error' | grep -iE 'error|answered|series|others|MiB|inf|NaN|no data|not a |\{' | head -4
        } | sed -E 's/ +/ /g; s/^ //' | cut -c1-200)
    tmux kill-session -t "$session" 2>/dev/null || true
    while [[ -d "/proc/$pid" ]]; do sleep 0.05; done
    if [[ -n "$prompid" ]]; then kill "$prompid" 2>/dev/null || true; wait "$prompid" 2>/dev/null || true; prompid=""; fi
done
echo "dashboard ($BIN) against agentdeck sim --preload, ${SECS} s per mode, $(nproc) cores"
printf '%s\n' "${report[@]}"
