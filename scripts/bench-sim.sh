#!/usr/bin/env bash
# Measures the simulated cluster at scale: `agentdeck sim --preload --extra-pods N` (release
# build), time until every pod is Running as kubectl sees it, resident memory, idle CPU, and
# the latency of one unpaged LIST of every pod (curl against the kubeconfig's server).
#   scripts/bench-sim.sh [N]   (default 5000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-5000}"
export PATH="$PATH:/usr/lib/google-cloud-sdk/bin"
# AGENTDECK_BIN: measure this binary instead of building (e.g. a copy of an older build).
bin="${AGENTDECK_BIN:-./target/release/agentdeck}"
[[ -n "${AGENTDECK_BIN:-}" ]] || cargo build --release --locked --quiet
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME="$work/home" KUBECONFIG="$work/kubeconfig"
mkdir -p "$HOME"
start=$(date +%s.%N)
"$bin" sim --preload --extra-pods "$N" --kubeconfig-out "$KUBECONFIG" \
    --log-file "$work/sim.log" > "$work/out" &
pid=$!
until [[ -s "$KUBECONFIG" ]]; do sleep 0.05; done
serving=$(date +%s.%N)
server=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
want=$((N + 4))
# Ready when the server counts every pod and none is not Running (two small pages, so
# the poll itself stays cheap at 50,000 pods).
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
while :; do
    total=$(curl -s "$server/api/v1/pods?limit=1" |
        field 'len(d["items"]) + d["metadata"].get("remainingItemCount", 0)' 2>/dev/null || echo 0)
    if [[ "$total" -ge "$want" ]]; then
        pending=$(curl -s "$server/api/v1/pods?limit=1&fieldSelector=status.phase!=Running" |
            field 'len(d["items"])' 2>/dev/null || echo 1)
        [[ "$pending" -eq 0 ]] && break
    fi
    sleep 0.2
done
running=$total
ready=$(date +%s.%N)
hz=$(getconf CLK_TCK)
# CPU the sim used from start to every pod Running (user + system), less skewed by a loaded
# machine than the wall time.
cpu_ready=$(awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat")
sleep 2
rss_ready=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
t0=$(date +%s.%N)
all=$(kubectl get pods -A --no-headers | wc -l)
t1=$(date +%s.%N)
list_ms=()
for _ in 1 2 3 4 5; do
    list_ms+=("$(curl -s -o "$work/list.json" -w '%{time_total}' "$server/api/v1/pods" |
        awk '{ printf "%d", $1 * 1000 }')")
done
list_items=$(grep -o '"kind":"Pod"' "$work/list.json" | wc -l)
list_bytes=$(stat -c %s "$work/list.json")
sleep 5
ticks0=$(awk '{print $14+$15}' "/proc/$pid/stat")
sleep 30
ticks1=$(awk '{print $14+$15}' "/proc/$pid/stat")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
printf 'pods: %s listed (%s running)\n' "$all" "$running"
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
printf 'start to serving (kubeconfig written): %s s\n' "$(calc "$serving - $start")"
printf 'start to all pods Running: %s s\n' "$(calc "$ready - $start")"
printf 'CPU used to all pods Running: %s s (user + system)\n' "$cpu_ready"
printf 'kubectl get pods -A (paged, 500 per page): %s s\n' "$(calc "$t1 - $t0")"
printf 'LIST /api/v1/pods (%s pods, %s bytes, unpaged): %s ms (5 runs)\n' "$list_items" \
    "$list_bytes" "${list_ms[*]}"
printf 'RSS: %d MiB with every pod Running, %d MiB after the lists and 35 s idle (peak %d MiB)\n' \
    $((rss_ready / 1024)) $((rss / 1024)) $((hwm / 1024))
printf 'idle CPU over 30 s: %s %% of one core\n' "$(calc "($ticks1 - $ticks0) * 100 / $hz / 30")"
