#!/usr/bin/env bash
# Measures watch delivery under churn: `agentdeck sim --extra-pods N --churn RATE` (release
# build), ten concurrent watchers of every pod from the same resourceVersion for SECS
# seconds; reports the events each received per second and checks that every watcher got
# the very same events (none lost), with resourceVersions strictly increasing.
#   scripts/bench-sim-watch.sh [N] [RATE] [SECS]   (default 5000 150 20)
# AGENTDECK_BIN: measure this binary instead of building.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-5000}"
RATE="${2:-150}"
SECS="${3:-20}"
WATCHERS=10
export PATH="$PATH:/usr/lib/google-cloud-sdk/bin"
bin="${AGENTDECK_BIN:-./target/release/agentdeck}"
[[ -n "${AGENTDECK_BIN:-}" ]] || cargo build --release --locked --quiet
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME="$work/home" KUBECONFIG="$work/kubeconfig"
mkdir -p "$HOME"
"$bin" sim --extra-pods "$N" --churn "$RATE" --kubeconfig-out "$KUBECONFIG" \
    --log-file "$work/sim.log" > "$work/out" &
pid=$!
until [[ -s "$KUBECONFIG" ]]; do sleep 0.05; done
server=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
# Let the pods start first (the churn runs all along).
sleep 5
rv=$(curl -s "$server/api/v1/pods?limit=1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
ticks0=$(awk '{print $14+$15}' "/proc/$pid/stat")
for i in $(seq 1 "$WATCHERS"); do
    curl -s -N "$server/api/v1/pods?watch=1&resourceVersion=$rv&timeoutSeconds=$SECS" \
        > "$work/w$i.json" &
done
wait $(jobs -p | grep -v "^$pid\$") 2>/dev/null || true
ticks1=$(awk '{print $14+$15}' "/proc/$pid/stat")
hz=$(getconf CLK_TCK)
printf 'sim CPU while serving %d watchers: %s %% of one core\n' "$WATCHERS" \
    "$(awk "BEGIN { printf \"%.0f\", ($ticks1 - $ticks0) * 100 / $hz / $SECS }")"
python3 - "$work" "$WATCHERS" "$SECS" <<'PY'
import json, sys
work, n, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
runs = []
for i in range(1, n + 1):
    evs = []
    with open(f"{work}/w{i}.json") as f:
        for line in f:
            e = json.loads(line)
            if e["type"] in ("ADDED", "MODIFIED", "DELETED"):
                evs.append((int(e["object"]["metadata"]["resourceVersion"]), e["type"]))
    runs.append(evs)
common = min(len(r) for r in runs)
increasing = all(all(a[0] < b[0] for a, b in zip(r, r[1:])) for r in runs)
same = all(r[:common] == runs[0][:common] for r in runs)
# A watcher the server dropped (too slow a reader) would stop short of the others.
complete = common >= 0.95 * max(len(r) for r in runs)
kinds = {k: sum(1 for _, t in runs[0] if t == k) for k in ("ADDED", "MODIFIED", "DELETED")}
print(f"events per watcher: {[len(r) for r in runs]} in {secs:.0f} s "
      f"({len(runs[0]) / secs:.0f} events/s each; {kinds})")
print(f"all {n} watchers received the same {common} events: {same}; "
      f"resourceVersions strictly increasing: {increasing}; none cut short: {complete}")
sys.exit(0 if same and increasing and complete and common > 0 else 1)
PY
