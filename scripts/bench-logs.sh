#!/usr/bin/env bash
# Memory and CPU of the dashboard while its log view follows a pod that writes 1,000
# lines/s: `agentdeck sim --preload`, the agent pods annotated agentdeck.sim/log-rate
# (a staging knob of the sim), the release dashboard in a real terminal (tmux 200×50)
# with `l` on ai-agent-service (its best pod, followed) for a minute. Prints RSS
# (VmRSS, sampled every second: min/median/max), the dashboard's CPU % over the minute,
# and how many lines the view received (from its title). Not part of CI.
#   scripts/bench-logs.sh [RATE]            (default 1000 lines/s)
#   BENCH_SECS=60 PROFILE=release DASH_BIN=path/to/agentdeck scripts/bench-logs.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RATE="${1:-1000}"
SECS="${BENCH_SECS:-60}"
PROFILE="${PROFILE:-release}"
if [[ "$PROFILE" == release ]]; then cargo build --release --locked --quiet; else cargo build --locked --quiet; fi
SIM_BIN="./target/$PROFILE/agentdeck"
DASH_BIN="${DASH_BIN:-$SIM_BIN}"
KUBECTL="$(command -v kubectl || echo /usr/lib/google-cloud-sdk/bin/kubectl)"
work="$(mktemp -d)"
session="agentdeck-bench-logs-$$"
simpid=""
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    [[ -n "$simpid" ]] && kill "$simpid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
"$SIM_BIN" sim --preload --kubeconfig-out "$work/kc" --log-file "$work/sim.log" > "$work/sim.out" &
simpid=$!
until [[ -s "$work/kc" ]]; do sleep 0.05; done
k() { HOME="$work" "$KUBECTL" --kubeconfig "$work/kc" -n ai-agents "$@"; }
# Every agent pod is chatty: whichever the view picks writes RATE lines/s.
until [[ -n "$(k get pods -l app=ai-agent-service -o name 2>/dev/null)" ]]; do sleep 0.2; done
for p in $(k get pods -l app=ai-agent-service -o name); do
    k annotate --overwrite "$p" "agentdeck.sim/log-rate=$RATE" > /dev/null
done
tmux new-session -d -s "$session" -x 200 -y 50 \
    "HOME=$work exec $DASH_BIN --kubeconfig $work/kc -n ai-agents --log-file $work/tui.log"
pid=$(tmux display-message -p -t "$session" '#{pane_pid}')
[[ -n "$pid" ]] || { echo "dashboard did not start"; exit 1; }
for _ in $(seq 100); do
    tmux capture-pane -p -t "$session" | grep -q 'ai-agent-service' && break
    sleep 0.1
done
tmux send-keys -t "$session" l
# Lines received so far: the title's "N lines (M dropped)".
received() {
    tmux capture-pane -p -t "$session" | head -5 | grep -o '[0-9]* lines\( ([0-9]* dropped)\)\?' |
        head -1 | awk '{n = $1; d = $3; gsub(/\(/, "", d); print n + d}'
}
for _ in $(seq 100); do
    [[ "$(received)" =~ ^[1-9] ]] && break
    sleep 0.1
done
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
start_lines=$(received)
start_ticks=$(ticks)
samples=()
for _ in $(seq "$SECS"); do
    sleep 1
    samples+=("$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")")
done
end_ticks=$(ticks)
end_lines=$(received)
title=$(tmux capture-pane -p -t "$session" | grep -m1 '┌ logs' | sed 's/─*┐$//')
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
sorted=($(printf '%s\n' "${samples[@]}" | sort -n))
n=${#sorted[@]}
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
echo "dashboard ($DASH_BIN, $PROFILE) following a pod that writes $RATE lines/s, ${SECS}s, tmux 200x50"
echo "view: ${title#┌ }"
echo "lines received in ${SECS}s: $((end_lines - start_lines)) ($(((end_lines - start_lines) / SECS))/s)"
echo "RSS MiB: min $(mib "${sorted[0]}") median $(mib "${sorted[$((n / 2))]}") max $(mib "${sorted[$((n - 1))]}") (peak VmHWM $(mib "$hwm"))"
awk -v t=$((end_ticks - start_ticks)) -v hz="$hz" -v s="$SECS" \
    'BEGIN {printf "CPU: %.1f %% of one core (%.2f s over %d s)\n", 100 * t / hz / s, t / hz, s}'
