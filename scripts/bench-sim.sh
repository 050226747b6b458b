#!/usr/bin/env bash
# Measures the simulated cluster at scale: `agentdeck sim --preload --extra-pods N` (release
# build), time until every pod is Running as kubectl sees it, resident memory, and idle CPU.
#   scripts/bench-sim.sh [N]   (default 5000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-5000}"
export PATH="$PATH:/usr/lib/google-cloud-sdk/bin"
cargo build --release --locked --quiet
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME="$work/home" KUBECONFIG="$work/kubeconfig"
mkdir -p "$HOME"
start=$(date +%s.%N)
./target/release/agentdeck sim --preload --extra-pods "$N" --kubeconfig-out "$KUBECONFIG" \
    --log-file "$work/sim.log" > "$work/out" &
pid=$!
until [[ -s "$KUBECONFIG" ]]; do sleep 0.05; done
want=$((N + 4))
while :; do
    running=$(kubectl get pods -A --no-headers --field-selector=status.phase=Running 2>/dev/null | wc -l)
    [[ "$running" -ge "$want" ]] && break
    sleep 0.2
done
ready=$(date +%s.%N)
t0=$(date +%s.%N)
all=$(kubectl get pods -A --no-headers | wc -l)
t1=$(date +%s.%N)
sleep 5
ticks0=$(awk '{print $14+$15}' "/proc/$pid/stat")
sleep 30
ticks1=$(awk '{print $14+$15}' "/proc/$pid/stat")
hz=$(getconf CLK_TCK)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
printf 'pods: %s listed (%s running)\n' "$all" "$running"
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
printf 'start to all pods Running: %s s\n' "$(calc "$ready - $start")"
printf 'kubectl get pods -A (paged, 500 per page): %s s\n' "$(calc "$t1 - $t0")"
printf 'RSS: %d MiB (peak %d MiB)\n' $((rss / 1024)) $((hwm / 1024))
printf 'idle CPU over 30 s: %s %% of one core\n' "$(calc "($ticks1 - $ticks0) * 100 / $hz / 30")"
