#!/usr/bin/env bash
# Key press → frame latency of the dashboard (release build, tmux 200×50, namespace NS of
# `agentdeck sim --preload --extra-pods N [--churn RATE]`; RATE 0 = at rest): SAMPLES (200)
# presses alternating `j` and `k` (each moves the selection between the first two workloads,
# so every press changes the screen), each timed from `tmux send-keys` until
# `tmux capture-pane -p`, polled in a tight loop, shows the moved selection. The figures
# include tmux's own latency (send-keys, then a capture-pane per poll); its baseline, the
# time of one capture-pane of an unchanged screen, is measured and printed too, and so is
# the dashboard's own part: from reading the key to the frame written (its debug log).
#   scripts/bench-keys.sh [RATE] [N] [NAMESPACE]   (defaults: 0, 5000, load-1)
# BENCH_BIN=path runs another build of the dashboard.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RATE="${1:-0}"
N="${2:-5000}"
NS="${3:-load-1}"
SAMPLES="${SAMPLES:-200}"
source scripts/bench-lib.sh
session="agentdeck-keys-$$"
churn=()
(( RATE > 0 )) && churn=(--churn "$RATE")
start_sim --extra-pods "$N" "${churn[@]}"
sleep 2
new_session "$session" "HOME=$work AGENTDECK_LOG=info,agentdeck::keys=debug $BIN --kubeconfig $work/kc -n $NS --log-file $work/tui.log"
sleep 10   # warm-up: the pods start (and the churn runs)
ms() { echo $(( (${EPOCHREALTIME/./} - $1) )); }   # µs since $1
# Which row holds the selection marker: the workload name after "│▶".
selected() { grep -oE '│▶[a-z0-9-]+' <<<"$1" | head -1 | cut -c5-; }
screen=$(tmux capture-pane -p -t "$session")
first=$(selected "$screen")
[[ -n "$first" ]] || { echo "no selection on screen"; echo "$screen"; exit 1; }
tmux send-keys -t "$session" j
sleep 0.5
second=$(selected "$(tmux capture-pane -p -t "$session")")
[[ -n "$second" && "$second" != "$first" ]] || { echo "j did not move the selection"; exit 1; }
: > "$work/keys"; : > "$work/base"
# Baseline: capture-pane with no key pressed (at rest the screen does not change).
for i in $(seq 1 "$SAMPLES"); do
    t=${EPOCHREALTIME/./}
    tmux capture-pane -p -t "$session" > /dev/null
    ms "$t" >> "$work/base"
done
key=k want="$first" timeouts=0
for i in $(seq 1 "$SAMPLES"); do
    t=${EPOCHREALTIME/./}
    tmux send-keys -t "$session" "$key"
    while :; do
        [[ "$(selected "$(tmux capture-pane -p -t "$session")")" == "$want" ]] && break
        if (( ${EPOCHREALTIME/./} - t > 5000000 )); then timeouts=$((timeouts + 1)); break; fi
    done
    ms "$t" >> "$work/keys"
    if [[ $key == k ]]; then key=j want="$second"; else key=k want="$first"; fi
    sleep 0.05
done
echo "key → frame latency: dashboard ($BIN) on $NS of a sim with $N extra pods$( ((RATE > 0)) && echo ", --churn $RATE" || echo ", at rest")"
sleep 0.5
grep -oE 'key to frame [0-9]+' "$work/tui.log" | awk '{print $4}' > "$work/inside"
python3 - "$work/keys" "$work/base" "$timeouts" "$work/inside" <<'PY'
import sys
def pct(path):
    xs = sorted(int(l) / 1000 for l in open(path))
    p = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]
    return f"p50 {p(.5):.1f} ms, p95 {p(.95):.1f} ms, p99 {p(.99):.1f} ms, max {xs[-1]:.1f} ms (n={len(xs)})"
print(f"send-keys → selection moved on capture-pane: {pct(sys.argv[1])}; timeouts (>5 s): {sys.argv[3]}")
print(f"tmux baseline, one capture-pane with no key pressed (under churn the screen still changes): {pct(sys.argv[2])}")
print("(the key latency includes tmux's: send-keys, and the capture-pane polls)")
print(f"inside the dashboard, key read → frame written (its log, agentdeck::keys=debug): {pct(sys.argv[4])}")
PY
