# Shared by the dashboard benches (sourced, not run): a work dir and tmux sessions cleaned up
# on exit, and the simulated cluster started from the release build.
#   source scripts/bench-lib.sh
#   start_sim --extra-pods 5000 [--churn 150] ...   # sets simpid; kubeconfig at $work/kc
#   new_session NAME "command"                      # a tmux 200×50 session, killed on exit
cargo build --release --locked --quiet
BIN="${BENCH_BIN:-./target/release/agentdeck}"
work="$(mktemp -d)"
sessions=()
simpid=""
bench_cleanup() {
    for s in "${sessions[@]}"; do tmux kill-session -t "$s" 2>/dev/null || true; done
    [[ -n "$simpid" ]] && kill "$simpid" 2>/dev/null || true
    rm -rf "$work"
}
trap bench_cleanup EXIT

start_sim() {
    ./target/release/agentdeck sim --preload "$@" \
        --kubeconfig-out "$work/kc" --log-file "$work/sim.log" > "$work/sim.out" &
    simpid=$!
    until [[ -s "$work/kc" ]]; do sleep 0.05; done
}

new_session() {
    sessions+=("$1")
    tmux new-session -d -s "$1" -x 200 -y 50 "$2"
}
