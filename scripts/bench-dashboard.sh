#!/usr/bin/env bash
# Idle cost of the dashboard: RSS and CPU of `agentdeck` (release build) running in a real
# terminal (tmux) for 60 s against `agentdeck sim --preload --extra-pods N`.
#   scripts/bench-dashboard.sh [N] [NAMESPACE]   (defaults: 5000, load-1 — the extra pods
#   are spread over load-1..load-5, so one namespace holds N/5 of them)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-5000}"
NS="${2:-load-1}"
SECS="${BENCH_SECS:-60}"
cargo build --release --locked --quiet
work="$(mktemp -d)"
session="agentdeck-bench-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; kill "$simpid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
./target/release/agentdeck sim --preload --extra-pods "$N" --kubeconfig-out "$work/kc" \
    --log-file "$work/sim.log" > "$work/sim.out" &
simpid=$!
until [[ -s "$work/kc" ]]; do sleep 0.05; done
tmux new-session -d -s "$session" -x 200 -y 50 \
    "HOME=$work ./target/release/agentdeck --kubeconfig $work/kc -n $NS --log-file $work/tui.log"
sleep 10   # initial lists, pods becoming ready, first frames
pid=$(pgrep -n -f "^./target/release/agentdeck --kubeconfig $work/kc")
[[ -n "$pid" ]] || { echo "dashboard did not start"; tmux capture-pane -p -t "$session"; exit 1; }
hz=$(getconf CLK_TCK)
t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
sleep "$SECS"
t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
pods=$(tmux capture-pane -p -t "$session" | grep -o 'workloads [0-9]* · [0-9]* pods' | head -1)
echo "dashboard on namespace $NS ($pods) against a sim with $N extra pods"
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$SECS" 'BEGIN { printf "idle CPU over %d s: %.2f %% of one core\n", s, (b - a) * 100 / hz / s }'
echo "RSS: $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB)"
