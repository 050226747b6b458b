#!/usr/bin/env bash
# screenshots/healthy.png, incident-egress.png and incident-oom.png, taken from the real
# dashboard (release build) running in a real terminal (tmux, 160x45), converted by
# scripts/ansi2png.py.
#   scripts/screenshots.sh
# healthy:  `agentdeck demo --time-scale 5` with a valid simulated API key in the Secret
#           ai-api-keys (created if the demo has not seeded one): tokens, costs, latency and
#           HPA metrics flowing.
# incidents: `agentdeck demo --incident egress-blocked` (a default-deny egress policy and a
#           broken allow rule: provider calls time out) and `--incident oom` (the agents'
#           working set climbs past the 2Gi limit: OOM kills), with the problems strip.
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

# --- incidents -----------------------------------------------------------------------------
# Each staged by the sim the way a real cluster shows it (`demo --incident NAME`), with the
# problems strip naming it, its evidence and the key that fixes it.
incident() { # NAME SESSION GREP... : start the demo with the incident, wait, capture
    local name="$1" shot="$2"
    shift 2
    echo "$shot: agentdeck demo --incident $name"
    t new-session -d -s "$shot" -x "$COLS" -y "$ROWS" \
        "env HOME=$work/home TMPDIR=$work $BIN demo --time-scale 3 --incident $name"
    shows() {
        local s p
        s="$(screen "$shot")"
        for p in "$@"; do grep -q -- "$p" <<<"$s" || return 1; done
    }
    wait_for "$shot" 150 "the $name problem on screen" shows "$@"
    sleep 2
    capture "$shot" "$shot"
    t kill-session -t "$shot"
}
incident egress-blocked incident-egress 'Egress to the provider blocked' '504 on' 'N restore'
incident oom incident-oom 'OOMKilled' 'm raise to' 'working set'

echo "screenshots written:"
ls -l "$PWD"/screenshots/{healthy,incident-egress,incident-oom}.png
