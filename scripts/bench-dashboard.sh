#!/usr/bin/env bash
# Idle cost of the dashboard: RSS and CPU of `agentdeck` (release build) running in a real
# terminal (tmux, 200×50) for BENCH_SECS (60) s against `agentdeck sim --preload
# --extra-pods N`, and how long it takes from start until the workloads (and their pods) are
# on screen (tmux capture-pane polled every 10 ms).
#   scripts/bench-dashboard.sh [N] [NAMESPACE]   (defaults: 5000, load-1 — the extra pods
#   are spread over load-1..load-5, so one namespace holds N/5 of them)
# BENCH_BIN=path runs another build of the dashboard (e.g. the one before a change).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-5000}"
NS="${2:-load-1}"
SECS="${BENCH_SECS:-60}"
cargo build --release --locked --quiet
BIN="${BENCH_BIN:-./target/release/agentdeck}"
work="$(mktemp -d)"
session="agentdeck-bench-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; kill "$simpid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
./target/release/agentdeck sim --preload --extra-pods "$N" --kubeconfig-out "$work/kc" \
    --log-file "$work/sim.log" > "$work/sim.out" &
simpid=$!
until [[ -s "$work/kc" ]]; do sleep 0.05; done
sleep 2   # let the sim settle (its controllers start the extra pods)
now_ms() { date +%s%3N; }
start=$(now_ms)
tmux new-session -d -s "$session" -x 200 -y 50 \
    "HOME=$work $BIN --kubeconfig $work/kc -n $NS --log-file $work/tui.log"
workloads_at="" pods_at=""
while (( $(now_ms) - start < 20000 )); do
    screen=$(tmux capture-pane -p -t "$session" 2>/dev/null || true)
    if [[ -z "$workloads_at" ]] && grep -qE 'workloads [1-9][0-9]* ' <<<"$screen"; then
        workloads_at=$(( $(now_ms) - start ))
    fi
    if [[ -z "$pods_at" ]] && grep -qE 'workloads [1-9][0-9]* · [1-9][0-9]* pods' <<<"$screen"; then
        pods_at=$(( $(now_ms) - start ))
        break
    fi
    sleep 0.01
done
sleep 10   # pods becoming ready, the first metrics
pid=$(pgrep -n -f "^$BIN --kubeconfig $work/kc")
[[ -n "$pid" ]] || { echo "dashboard did not start"; tmux capture-pane -p -t "$session"; exit 1; }
hz=$(getconf CLK_TCK)
t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
sleep "$SECS"
t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
threads=$(awk '/Threads/ {print $2}' "/proc/$pid/status")
pods=$(tmux capture-pane -p -t "$session" | grep -o 'workloads [0-9]* · [0-9]* pods' | head -1)
echo "dashboard ($BIN) on namespace $NS ($pods) against a sim with $N extra pods"
echo "workloads on screen after ${workloads_at:-?} ms, their pods after ${pods_at:-?} ms"
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$SECS" 'BEGIN { printf "idle CPU over %d s: %.2f %% of one core\n", s, (b - a) * 100 / hz / s }'
echo "RSS: $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB), $threads threads"
