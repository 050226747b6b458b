#!/usr/bin/env bash
# The dashboard under churn: `agentdeck` (release build) in tmux 200×50 on namespace NS of
# `agentdeck sim --preload --extra-pods N --churn RATE --churn-namespace NS` (the churn all in
# NS: RATE 150 ≈ 900–1,000 pod watch events/s there, CPU permitting). After a 10 s warm-up,
# once a second for BENCH_SECS (30) s: its RSS (/proc/PID/status VmRSS), the header's "cluster ● Ns" age, and
# whether it keeps up — the pods count and the Running pods (P/R/T column summed) on screen
# (tmux capture-pane) next to kubectl's count at the same moment. Reports RSS min/median/max,
# CPU % over the window, the events per second the namespace and the cluster received, and the
# screen − kubectl differences.
#   scripts/bench-churn.sh [RATE] [N] [NAMESPACE]   (defaults: 150, 5000, load-1)
# BENCH_BIN=path runs another build of the dashboard.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RATE="${1:-150}"
N="${2:-5000}"
NS="${3:-load-1}"
SECS="${BENCH_SECS:-30}"
export PATH="$PATH:/usr/lib/google-cloud-sdk/bin"
source scripts/bench-lib.sh
session="agentdeck-churn-$$"
start_sim --extra-pods "$N" --churn "$RATE" --churn-namespace "$NS"
server=$(kubectl --kubeconfig "$work/kc" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
sleep 2
new_session "$session" "HOME=$work $BIN --kubeconfig $work/kc -n $NS --log-file $work/tui.log"
sleep 10   # warm-up: the pods start, the churn runs all along
pid=$(pgrep -n -f "^$BIN --kubeconfig $work/kc")
[[ -n "$pid" ]] || { echo "dashboard did not start"; tmux capture-pane -p -t "$session"; exit 1; }

# Watch events per second, in the namespace and in the whole cluster, over the first 10 s.
rv() { curl -s "$server$1?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])'; }
ev_secs=10
curl -s -N "$server/api/v1/namespaces/$NS/pods?watch=1&resourceVersion=$(rv /api/v1/namespaces/$NS/pods)&timeoutSeconds=$ev_secs" > "$work/ns.json" &
curl -s -N "$server/api/v1/pods?watch=1&resourceVersion=$(rv /api/v1/pods)&timeoutSeconds=$ev_secs" > "$work/all.json" &

hz=$(getconf CLK_TCK)
t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
: > "$work/samples"
end=$(( $(date +%s) + SECS ))
while (( $(date +%s) < end )); do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    before=$(tmux capture-pane -p -t "$session")
    kube=$(kubectl --kubeconfig "$work/kc" get pods -n "$NS" --no-headers 2>/dev/null |
        awk '{n++; if ($3 == "Running") r++} END {print n+0, r+0}')
    after=$(tmux capture-pane -p -t "$session")
    for s in "$before" "$after"; do
        age=$(grep -oE 'cluster ● [0-9]+s' <<<"$s" | grep -oE '[0-9]+' | head -1)
        pods=$(grep -oE 'workloads [0-9]+ · [0-9]+ pods' <<<"$s" | awk '{print $4}' | head -1)
        # P/R/T column of the workloads table: pending/running/terminating.
        running=$(grep -oE '│[ ▶][a-z0-9-]+ +[0-9]+/[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+/[0-9]+/[0-9]+' <<<"$s" |
            awk '{split($NF, a, "/"); r += a[2]} END {print r+0}')
        echo "$rss ${age:-NA} ${pods:-NA} $running $kube" >> "$work/samples"
    done
    sleep 1
done
t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
wait $(jobs -p | grep -v "^$simpid\$") 2>/dev/null || true
count_events() { python3 -c '
import json, sys
n = sum(1 for l in open(sys.argv[1]) if json.loads(l)["type"] in ("ADDED", "MODIFIED", "DELETED"))
print(n)' "$1"; }
ns_ev=$(count_events "$work/ns.json")
all_ev=$(count_events "$work/all.json")

echo "dashboard ($BIN) on $NS of a sim with $N extra pods, --churn $RATE; ${SECS} s after a 10 s warm-up"
echo "pod watch events: $((all_ev / ev_secs))/s in the cluster, $((ns_ev / ev_secs))/s in $NS"
awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$SECS" 'BEGIN { printf "dashboard CPU: %.1f %% of one core\n", (b - a) * 100 / hz / s }'
python3 - "$work/samples" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
rss = sorted(int(r[0]) for r in rows[::2])
ages = [int(r[1]) for r in rows if r[1] != "NA"]
print(f"RSS: min {rss[0]/1024:.0f} MiB, median {statistics.median(rss)/1024:.0f} MiB, "
      f"max {rss[-1]/1024:.0f} MiB ({len(rss)} samples)")
print(f"header 'cluster ● Ns' age: max {max(ages) if ages else '?'} s over {len(ages)} captures")
# Each kubectl answer sits between two captures; the screen keeps up if kubectl's numbers
# fall within (or near) the two screens' numbers.
dp, dr, screen_r, kube_r = [], [], [], []
for b, a in zip(rows[::2], rows[1::2]):
    if "NA" in (b[2], a[2]):
        continue
    kp, kr = int(b[4]), int(b[5])
    sp = (int(b[2]), int(a[2])); sr = (int(b[3]), int(a[3]))
    dist = lambda v, lo_hi: 0 if min(lo_hi) <= v <= max(lo_hi) else min(abs(v - x) for x in lo_hi)
    dp.append(dist(kp, sp)); dr.append(dist(kr, sr)); screen_r += sr; kube_r.append(kr)
if dp:
    q = lambda xs: f"median {statistics.median(xs):.0f}, max {max(xs)}"
    print(f"keep-up ({len(dp)} samples): kubectl's pod count vs the screen's (captured just before "
          f"and just after kubectl): off by {q(dp)} pods")
    print(f"  Running pods, kubectl vs screen: off by {q(dr)} "
          f"(screen's Running ranged {min(screen_r)}..{max(screen_r)}, kubectl's {min(kube_r)}..{max(kube_r)})")
PY
