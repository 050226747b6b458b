#!/usr/bin/env bash
# The fleet view's cost: N simulated clusters (N `agentdeck sim --preload --extra-pods P`,
# one merged kubeconfig), `agentdeck --all-contexts -n NS` in a real terminal (tmux,
# 200×50). Reports the time until every row is filled, RSS and idle CPU of agentdeck with
# the fleet alone, with one cluster dived into (its full watchers), and after leaving it
# (once its watchers were dropped: [fleet] linger_secs).
#   scripts/bench-fleet.sh [N] [PODS] [NAMESPACE]   (defaults: 20, 1000, load-1 — the extra
#   pods are spread over load-1..load-5, so NAMESPACE holds PODS/5 of each cluster's)
# BENCH_SECS (30): the idle measurement's length; BENCH_BIN: another build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-20}"
PODS="${2:-1000}"
NS="${3:-load-1}"
SECS="${BENCH_SECS:-30}"
LINGER=15
cargo build --release --locked --quiet
BIN="${BENCH_BIN:-./target/release/agentdeck}"
work="$(mktemp -d)"
session="agentdeck-fleet-bench-$$"
pids=()
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
for i in $(seq -w 1 "$N"); do
    ./target/release/agentdeck sim --preload --extra-pods "$PODS" --kubeconfig-out "$work/kc$i" \
        --log-file "$work/sim$i.log" > "$work/sim$i.out" &
    pids+=($!)
done
for i in $(seq -w 1 "$N"); do until [[ -s "$work/kc$i" ]]; do sleep 0.05; done; done
# One kubeconfig: context cNN for sim NN.
python3 - "$work" "$N" <<'PY'
import re, sys
work, n = sys.argv[1], int(sys.argv[2])
clusters, contexts, users = [], [], []
for i in range(1, n + 1):
    k = open(f"{work}/kc{i:0{len(str(n))}d}").read()
    server = re.search(r"server: (\S+)", k).group(1)
    token = re.search(r"token: (\S+)", k).group(1)
    name = f"c{i:02d}"
    clusters.append(f"- name: {name}\n  cluster: {{server: \"{server}\"}}\n")
    contexts.append(f"- name: {name}\n  context: {{cluster: {name}, user: {name}}}\n")
    users.append(f"- name: {name}\n  user: {{token: {token}}}\n")
open(f"{work}/kc", "w").write(
    "apiVersion: v1\nkind: Config\ncurrent-context: c01\nclusters:\n" + "".join(clusters)
    + "contexts:\n" + "".join(contexts) + "users:\n" + "".join(users))
PY
printf '[fleet]\nlinger_secs = %s\n' "$LINGER" > "$work/config.toml"
sleep 5   # the sims start their extra pods
now_ms() { date +%s%3N; }
start=$(now_ms)
tmux new-session -d -s "$session" -x 200 -y 50 \
    "HOME=$work $BIN --kubeconfig $work/kc --config $work/config.toml --all-contexts -n $NS --log-file $work/tui.log"
filled=""
while (( $(now_ms) - start < 120000 )); do
    screen=$(tmux capture-pane -p -t "$session" 2>/dev/null || true)
    if [[ $(grep -cE '^│c[0-9]+ +up ' <<<"$screen") -eq "$N" ]]; then
        filled=$(( $(now_ms) - start )); break
    fi
    sleep 0.05
done
pid=$(pgrep -n -f "^$BIN --kubeconfig $work/kc")
hz=$(getconf CLK_TCK)
measure() {  # label: idle CPU over SECS and RSS now
    local t0 t1 rss
    t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
    sleep "$SECS"
    t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$SECS" -v r="$rss" -v l="$1" \
        'BEGIN { printf "%-34s RSS %5.1f MiB, CPU %.2f %% of one core over %d s\n", l, r / 1024, (b - a) * 100 / hz / s, s }'
}
echo "fleet of $N simulated clusters × $PODS extra pods (namespace $NS), $BIN"
echo "every row filled after ${filled:-?} ms"
measure "the fleet alone:"
tmux send-keys -t "$session" Enter
until tmux capture-pane -p -t "$session" | grep -qE 'workloads [0-9]+ · [1-9][0-9]* pods'; do sleep 0.1; done
measure "one cluster dived into:"
tmux send-keys -t "$session" Escape
until tmux capture-pane -p -t "$session" | grep -q 'still attached'; do sleep 0.1; done
left=$(now_ms)
until ! tmux capture-pane -p -t "$session" | grep -q 'still attached'; do sleep 0.2; done
echo "left it: its watchers dropped after $(( ($(now_ms) - left) / 1000 )) s (linger_secs $LINGER)"
sleep 3   # the heap's free pages given back
measure "after leaving it (watchers dropped):"
echo "peak RSS $(( $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") / 1024 )) MiB, $(awk '/Threads/ {print $2}' "/proc/$pid/status") threads"
