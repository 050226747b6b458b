#!/usr/bin/env bash
# screenshots/healthy.png and screenshots/incident.png, taken from the real dashboard (release
# build) running in a real terminal (tmux, 160x45), converted by scripts/ansi2png.py.
#   scripts/screenshots.sh
# healthy:  `agentdeck demo --time-scale 5` with a valid simulated API key in the Secret
#           ai-api-keys (created if the demo has not seeded one): tokens, costs, latency and
#           HPA metrics flowing.
# incident: `agentdeck sim --preload` pushed into trouble through its admin API (CPU at 180 %
#           of requests: the HPA climbs to max; then memory at 5x requests: OOM kills and
#           CrashLoopBackOff), the Secret left missing, and the dashboard pointed at a
#           Prometheus that does not exist.
# Needs tmux, kubectl, curl, python3 (Pillow is installed with pip if missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
COLS=160
ROWS=45
BIN=./target/release/agentdeck

for tool in tmux kubectl curl python3; do
    command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is required" >&2; exit 1; }
done
python3 -c 'import PIL' 2>/dev/null || pip install --quiet pillow
cargo build --release --locked

work="$(mktemp -d)"
sock="$work/tmux.sock"   # a private tmux server: nothing else's sessions are touched
simpid=""
cleanup() {
    tmux -S "$sock" kill-server 2>/dev/null || true
    if [[ -n "$simpid" ]]; then kill "$simpid" 2>/dev/null || true; wait "$simpid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/home" screenshots

t() { tmux -S "$sock" "$@"; }
screen() { t capture-pane -p -t "$1" 2>/dev/null || true; }

# wait_for SESSION SECONDS DESCRIPTION PREDICATE...: poll until PREDICATE succeeds.
wait_for() {
    local session="$1" secs="$2" what="$3"
    shift 3
    local deadline=$((SECONDS + secs))
    until "$@"; do
        if ((SECONDS >= deadline)); then
            echo "screenshots.sh: timed out after ${secs}s waiting for $what; the screen:" >&2
            screen "$session" >&2
            exit 1
        fi
        sleep 1
    done
}

capture() { # SESSION NAME
    t capture-pane -e -p -t "$1" > "$work/$2.ansi"
    python3 scripts/ansi2png.py "$work/$2.ansi" "screenshots/$2.png" --cols "$COLS" --rows "$ROWS"
}

# --- healthy -------------------------------------------------------------------------------
echo "healthy: starting agentdeck demo"
t new-session -d -s healthy -x "$COLS" -y "$ROWS" \
    "env HOME=$work/home TMPDIR=$work $BIN demo --time-scale 5"
demo_kc() { compgen -G "$work/agentdeck-demo-*/kubeconfig" >/dev/null; }
wait_for healthy 30 "the demo's kubeconfig" demo_kc
kc="$(compgen -G "$work/agentdeck-demo-*/kubeconfig" | head -1)"
# A valid simulated provider key (sk-…, at least 20 characters) ends the 401s. Recent demos
# seed their own key; an existing Secret is left as it is.
key="sk-sim-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
make_secret() {
    KUBECONFIG="$kc" kubectl -n ai-agents get secret ai-api-keys >/dev/null 2>&1 && return 0
    KUBECONFIG="$kc" kubectl -n ai-agents create secret generic ai-api-keys \
        --from-literal=HOLYSHEEP_API_KEY="$key" >"$work/secret.log" 2>&1 ||
        { sed 's/^/kubectl: /' "$work/secret.log" >&2; return 1; }
}
wait_for healthy 30 "the Secret ai-api-keys" make_secret
secret_at=$SECONDS
healthy_ready() {
    local s
    s="$(screen healthy)"
    grep -Eq '│total +[0-9.,]+k?/min' <<<"$s" && ! grep -Eq '│total +0/min' <<<"$s" &&
        grep -Eq '│now +\$[0-9.,]+/h' <<<"$s" && ! grep -Eq '│now +\$0\.00/h' <<<"$s" &&
        grep -Eq 'cpu [0-9]+%/' <<<"$s" && grep -q 'ScalingActive=True' <<<"$s" &&
        ! grep -q '401s' <<<"$s" &&
        ((SECONDS - secret_at >= ${HEALTHY_SETTLE:-45}))   # some latency history on the chart
}
echo "healthy: Secret ai-api-keys in place; waiting for tokens, costs and HPA metrics"
wait_for healthy 150 "tokens, costs and HPA metrics" healthy_ready
capture healthy healthy
t kill-session -t healthy

# --- incident ------------------------------------------------------------------------------
echo "incident: starting agentdeck sim"
HOME="$work/home" "$BIN" sim --preload --kubeconfig-out "$work/kc" --time-scale 5 \
    --log-file "$work/sim.log" > "$work/sim.out" 2>&1 &
simpid=$!
sim_kc() { [[ -s "$work/kc" ]]; }
wait_for none 30 "the sim's kubeconfig" sim_kc
sim="$(KUBECONFIG="$work/kc" kubectl config view -o jsonpath='{.clusters[0].cluster.server}')"
k() { KUBECONFIG="$work/kc" kubectl -n ai-agents "$@"; }
usage() { # CPU MEMORY (fractions of the requests)
    curl -fsS -X POST -H 'Content-Type: application/json' \
        -d "{\"namespace\":\"ai-agents\",\"deployment\":\"ai-agent-service\",\"cpu\":$1,\"memory\":$2}" \
        "$sim/_sim/usage" >/dev/null
}
t new-session -d -s incident -x "$COLS" -y "$ROWS" \
    "env HOME=$work/home $BIN --kubeconfig $work/kc --prometheus-url http://127.0.0.1:9"
# CPU first, memory under the limit: the HPA has metrics and climbs 3 → 6 → 12 → 20.
usage 1.8 0.5
hpa_at_max() {
    local cur max
    cur="$(k get hpa ai-agent-hpa -o jsonpath='{.status.currentReplicas}' 2>/dev/null)"
    max="$(k get hpa ai-agent-hpa -o jsonpath='{.spec.maxReplicas}' 2>/dev/null)"
    [[ -n "$cur" && "$cur" == "$max" ]]
}
echo "incident: CPU at 180 % of requests; waiting for the HPA to reach max"
wait_for incident 90 "the HPA at max replicas" hpa_at_max
# Then memory at 5x requests (over the 4x limit): OOM kills, CrashLoopBackOff.
usage 1.8 5.0
incident_ready() {
    local s
    s="$(screen incident)"
    grep -q 'prometheus DOWN' <<<"$s" && grep -q 'OOMKilled' <<<"$s" && grep -q 'CrashLoop' <<<"$s" &&
        grep -Eq 'Warning .*→ ' <<<"$s" && grep -Eq 'replicas ([0-9]+) → [0-9]+ +min [0-9]+ max \1\b' <<<"$s"
}
echo "incident: memory over the limit; waiting for OOMKilled, CrashLoop and warnings on screen"
wait_for incident 90 "OOMKilled/CrashLoop flags, warning hints and the HPA at max" incident_ready
sleep 3   # a few more restarts and events
capture incident incident

echo "screenshots written:"
ls -l "$PWD/screenshots/healthy.png" "$PWD/screenshots/incident.png"
