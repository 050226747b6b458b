#!/usr/bin/env bash
# agentdeck next to its peers at rest: agentdeck (release build) and, when installed, kdash and
# kubetui, each in its own tmux session 200×50 against one `agentdeck sim --preload
# --extra-pods N`, all on namespace NS. Per tool: the time from start until its pods are on
# screen (tmux capture-pane polled every 10 ms: for kdash and kubetui a pod name of NS; for
# agentdeck, whose main screen lists workloads, its header's "workloads W · P pods" count),
# then a 10 s warm-up and BENCH_SECS (60) s at rest: idle CPU % and RSS.
#   scripts/bench-peers.sh [N] [NAMESPACE]   (defaults: 5000, load-1)
# BENCH_BIN=path runs another build of agentdeck. Peers missing are reported "not installed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-5000}"
NS="${2:-load-1}"
SECS="${BENCH_SECS:-60}"
export PATH="$PATH:/usr/lib/google-cloud-sdk/bin:$HOME/.cargo/bin"
source scripts/bench-lib.sh
start_sim --extra-pods "$N"
sleep 5   # let the sim start its pods
# A pod name of NS, for the peers' screens.
pods_re=$(KUBECONFIG="$work/kc" kubectl get pods -n "$NS" --no-headers | awk 'NR <= 200 {print $1}' |
    paste -sd'|')
now_ms() { date +%s%3N; }

declare -A cmd pattern
cmd[agentdeck]="$BIN --kubeconfig $work/kc -n $NS --log-file $work/agentdeck.log"
# agentdeck's main screen lists workloads; their pods are on screen as its header's count.
pattern[agentdeck]='workloads [1-9][0-9]* · [1-9][0-9]* pods'
# kdash: the namespace is picked in the UI; it starts on "all"/the context's, showing pods.
cmd[kdash]="kdash"
pattern[kdash]="$pods_re"
cmd[kubetui]="kubetui -n $NS"
pattern[kubetui]="$pods_re"

declare -A result
for tool in agentdeck kdash kubetui; do
    exe=${cmd[$tool]%% *}
    if ! command -v "$exe" > /dev/null; then
        result[$tool]="| $tool | not installed | not installed | not installed |"
        continue
    fi
    s="peers-$tool-$$"
    home="$work/home-$tool"; mkdir -p "$home/.kube"; cp "$work/kc" "$home/.kube/config"
    # Each tool on NS from the start (kdash opens on its context's namespace).
    KUBECONFIG="$home/.kube/config" kubectl config set-context --current --namespace "$NS" > /dev/null
    start=$(now_ms)
    new_session "$s" "HOME=$home KUBECONFIG=$home/.kube/config ${cmd[$tool]}"
    at=""
    while (( $(now_ms) - start < 30000 )); do
        if tmux capture-pane -p -t "$s" 2>/dev/null | grep -qE "${pattern[$tool]}"; then
            at=$(( $(now_ms) - start )); break
        fi
        sleep 0.01
    done
    pid=$(tmux list-panes -t "$s" -F '#{pane_pid}')
    # The pane runs `sh -c` (env assignments) or the tool itself: take the tool's process.
    child=$(pgrep -n -P "$pid" 2>/dev/null || true)
    [[ -n "$child" ]] && pid=$child
    echo "$tool: pid $pid, pods on screen after ${at:-? (not within 30 s)} ms" >&2
    result[$tool]="$pid ${at:-?}"
done
sleep 10   # warm-up
hz=$(getconf CLK_TCK)
declare -A t0
for tool in agentdeck kdash kubetui; do
    [[ ${result[$tool]} == \|* ]] && continue
    pid=${result[$tool]%% *}
    t0[$tool]=$(awk '{print $14+$15}' "/proc/$pid/stat")
done
sleep "$SECS"
echo "at rest on $NS of \`agentdeck sim --preload --extra-pods $N\`, ${SECS} s after a 10 s warm-up (tmux 200×50)"
echo "| tool | idle CPU | RSS | time to pods |"
echo "| --- | --- | --- | --- |"
for tool in agentdeck kdash kubetui; do
    if [[ ${result[$tool]} == \|* ]]; then echo "${result[$tool]}"; continue; fi
    pid=${result[$tool]%% *} at=${result[$tool]#* }
    t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    cpu=$(awk -v a="${t0[$tool]}" -v b="$t1" -v hz="$hz" -v s="$SECS" 'BEGIN { printf "%.2f %%", (b - a) * 100 / hz / s }')
    echo "| $tool | $cpu | $((rss / 1024)) MiB | $at ms |"
done
# agentdeck's own reading, from its start to its first frame with the workloads (its log):
# the part of the time above that is not tmux starting the process and polling the screen.
own=$(grep -oE 'on screen [0-9]+ ms after the start' "$work/agentdeck.log" | grep -oE '[0-9]+' || true)
echo "agentdeck's log: the workloads on screen ${own:-?} ms after its start"
