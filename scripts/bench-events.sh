#!/usr/bin/env bash
# Memory of the dashboard on a namespace with many events: `agentdeck sim --preload
# --extra-events N`, the dashboard on ai-agents in a real terminal (tmux) for a while, then
# its RSS.
#   scripts/bench-events.sh [N]            (default 20000)
#   DASH_BIN=path/to/agentdeck scripts/bench-events.sh   (another dashboard build, e.g. an
#                                           older commit's, against the same sim)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-20000}"
SECS="${BENCH_SECS:-20}"
PROFILE="${PROFILE:-release}"
if [[ "$PROFILE" == release ]]; then cargo build --release --locked --quiet; else cargo build --locked --quiet; fi
SIM_BIN="./target/$PROFILE/agentdeck"
DASH_BIN="${DASH_BIN:-$SIM_BIN}"
work="$(mktemp -d)"
session="agentdeck-bench-events-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; kill "$simpid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$SIM_BIN" sim --preload --extra-events "$N" --kubeconfig-out "$work/kc" \
    --log-file "$work/sim.log" > "$work/sim.out" &
simpid=$!
until [[ -s "$work/kc" ]]; do sleep 0.05; done
tmux new-session -d -s "$session" -x 200 -y 50 \
    "HOME=$work exec $DASH_BIN --kubeconfig $work/kc -n ai-agents --log-file $work/tui.log"
sleep "$SECS"
pid=$(tmux display-message -p -t "$session" '#{pane_pid}')
[[ -n "$pid" ]] || { echo "dashboard did not start"; exit 1; }
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
events=$(tmux capture-pane -p -t "$session" | grep -o 'events · [0-9]* warnings' | head -1)
echo "dashboard ($DASH_BIN) on ai-agents with $N extra events ($events), after ${SECS}s"
echo "RSS: $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB)"
