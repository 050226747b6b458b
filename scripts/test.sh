#!/usr/bin/env bash
# THE test command for agentdeck (README and CI both run this).
#
#   scripts/test.sh [ARGS...]     ARGS are passed to the test runner (cargo nextest run / cargo test)
#
# 1. installs missing system tools the suite needs (tmux, prometheus, its blackbox exporter,
#    prometheus-alertmanager,
#    python3-venv, node and npm) with apt, when it can;
# 2. checks prerequisites: cargo, tmux, prometheus, kubectl, kubectl.1.27, python3 with venv,
#    node, npm; with CI=true a missing one is an error; otherwise a warning, and the names are
#    exported in AGENTDECK_MISSING so the tests that need them can skip;
#    then installs the Kubernetes client libraries that sim/tests/cluster/client_libs.rs
#    drives (Python `kubernetes` in a venv, JavaScript `@kubernetes/client-node`), into
#    target/client-libs, pinned by sim/tests/clients/*, and the Prometheus instrumentation
#    libraries tests/metrics/llm_exporters.rs runs (tests/exporters/requirements.txt) in a venv of
#    their own there; nothing is done when already installed;
# 3. cargo fmt --check, cargo clippy (warnings are errors; also of the build without the
#    simulator), the packaging dry run of both
#    crates, then the whole test suite.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() { printf '\n==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_ci() { [[ "${CI:-}" == "true" ]]; }

if is_ci; then
    # Tests fail instead of skipping when a tool they need is missing.
    export AGENTDECK_REQUIRE_ALL=1
fi

# The Google Cloud SDK ships the versioned kubectl binaries (kubectl.1.27 ... kubectl.1.33);
# the `kubectl` dispatcher on PATH runs them, and tests call them directly.
GCLOUD_BIN=/usr/lib/google-cloud-sdk/bin
if [[ -d "$GCLOUD_BIN" && ":$PATH:" != *":$GCLOUD_BIN:"* ]]; then
    export PATH="$PATH:$GCLOUD_BIN"
fi

have() { command -v "$1" >/dev/null 2>&1; }

# --- 1. install -------------------------------------------------------------------------
section "System packages"
apt_pkgs=()
have tmux || apt_pkgs+=(tmux)
have prometheus || apt_pkgs+=(prometheus)
# The provider-probe test: a real blackbox exporter probing a local fake provider.
have prometheus-blackbox-exporter || apt_pkgs+=(prometheus-blackbox-exporter)
# Alerting: a real Alertmanager receives what Prometheus fires from `agentdeck rules`
# (promtool, which tests the rules, comes with the prometheus package).
have prometheus-alertmanager || apt_pkgs+=(prometheus-alertmanager)
# The client-library tests: python3's venv (ensurepip) is a package of its own on Debian.
have python3 && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1 && apt_pkgs+=(python3-venv)
have python3 || apt_pkgs+=(python3 python3-venv)
have node || apt_pkgs+=(nodejs)
have npm || apt_pkgs+=(npm)
if ((${#apt_pkgs[@]} == 0)); then
    echo "tmux, prometheus (with promtool), prometheus-blackbox-exporter, prometheus-alertmanager, python3-venv, node and npm are installed"
else
    sudo_cmd=()
    can_install=false
    if have apt-get; then
        if [[ "$(id -u)" -eq 0 ]]; then
            can_install=true
        elif have sudo && sudo -n true >/dev/null 2>&1; then
            sudo_cmd=(sudo -n)
            can_install=true
        fi
    fi
    if $can_install; then
        echo "installing with apt-get: ${apt_pkgs[*]}"
        if "${sudo_cmd[@]}" apt-get update \
            && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y --no-install-recommends "${apt_pkgs[@]}"; then
            echo "installed: ${apt_pkgs[*]}"
        else
            warn "apt-get could not install ${apt_pkgs[*]}"
        fi
    else
        warn "cannot install ${apt_pkgs[*]}: need apt-get and root (or password-less sudo)"
    fi
fi

# --- 2. prerequisites --------------------------------------------------------------------
section "Prerequisites"
have cargo || die "cargo not found on PATH: install Rust from https://rustup.rs"

missing=()
for tool in tmux prometheus promtool prometheus-blackbox-exporter prometheus-alertmanager kubectl kubectl.1.27 python3 node npm; do
    if path="$(command -v "$tool" 2>/dev/null)"; then
        printf '  %-14s %s\n' "$tool" "$path"
    else
        printf '  %-14s MISSING\n' "$tool"
        missing+=("$tool")
    fi
done
if have python3 && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    printf '  %-14s MISSING\n' "python3-venv"
    missing+=(python3-venv)
fi

if ((${#missing[@]} > 0)); then
    if is_ci; then
        die "missing prerequisite(s) on CI: ${missing[*]} (kubectl.1.27 is looked for on PATH and in $GCLOUD_BIN)"
    fi
    warn "missing prerequisite(s): ${missing[*]} -- the tests that need them will be skipped"
fi
export AGENTDECK_MISSING="${missing[*]}"

# The Kubernetes client libraries sim/tests/cluster/client_libs.rs drives against the sim,
# installed in the build folder at the versions pinned in sim/tests/clients/; an install is
# redone only when its pin file changed (a copy of it is kept beside the install once it
# succeeded). The paths are exported for the test; a library not installed is not exported,
# and the test skips it (fails with AGENTDECK_REQUIRE_ALL=1).
section "Kubernetes client libraries (sim/tests/clients)"
client_libs="${CARGO_TARGET_DIR:-$PWD/target}/client-libs"
[[ "$client_libs" == /* ]] || client_libs="$PWD/$client_libs"
client_lib_failed() {
    if is_ci; then
        die "$1"
    fi
    warn "$1 -- sim/tests/cluster/client_libs.rs will skip it"
}

install_python_client() {
    local venv="$client_libs/venv" req=sim/tests/clients/python/requirements.txt
    if [[ -x "$venv/bin/python" ]] && cmp -s "$req" "$venv/installed-requirements.txt"; then
        echo "python: up to date in $venv"
        return 0
    fi
    echo "python: installing $req into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv" \
        && "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" \
        && cp "$req" "$venv/installed-requirements.txt"
}

install_js_client() {
    local dir="$client_libs/js" lock=sim/tests/clients/js/package-lock.json
    if [[ -d "$dir/node_modules" ]] && cmp -s "$lock" "$dir/installed-package-lock.json"; then
        echo "javascript: up to date in $dir"
        return 0
    fi
    echo "javascript: npm ci of sim/tests/clients/js in $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp sim/tests/clients/js/package.json "$lock" "$dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) \
        && cp "$lock" "$dir/installed-package-lock.json"
}

if ! have python3 || [[ " ${missing[*]} " == *" python3-venv "* ]]; then
    client_lib_failed "no python3 with venv: cannot install the Python client library"
elif install_python_client; then
    export AGENTDECK_CLIENT_PYTHON="$client_libs/venv/bin/python"
else
    client_lib_failed "installing sim/tests/clients/python/requirements.txt failed"
fi
if ! have node || ! have npm; then
    client_lib_failed "no node and npm: cannot install the JavaScript client library"
elif install_js_client; then
    export AGENTDECK_CLIENT_NODE_MODULES="$client_libs/js/node_modules"
else
    client_lib_failed "npm ci of sim/tests/clients/js failed"
fi

# The instrumentation libraries whose Prometheus expositions tests/metrics/llm_exporters.rs scrapes
# (OpenTelemetry's openai-v2 instrumentation, prometheus-fastapi-instrumentator, ...), in a
# venv of their own beside the client libraries, redone only when
# tests/exporters/requirements.txt changed. Its python is exported for the test; without it
# the test skips (fails with AGENTDECK_REQUIRE_ALL=1).
section "Prometheus instrumentation libraries (tests/exporters)"
exporter_lib_failed() {
    if is_ci; then
        die "$1"
    fi
    warn "$1 -- tests/metrics/llm_exporters.rs will skip"
}

install_exporters() {
    local venv="$client_libs/exporters-venv" req=tests/exporters/requirements.txt
    if [[ -x "$venv/bin/python" ]] && cmp -s "$req" "$venv/installed-requirements.txt"; then
        echo "exporters: up to date in $venv"
        return 0
    fi
    echo "exporters: installing $req into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv" \
        && "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" \
        && cp "$req" "$venv/installed-requirements.txt"
}

if ! have python3 || [[ " ${missing[*]} " == *" python3-venv "* ]]; then
    exporter_lib_failed "no python3 with venv: cannot install tests/exporters/requirements.txt"
elif install_exporters; then
    export AGENTDECK_EXPORTERS_PYTHON="$client_libs/exporters-venv/bin/python"
else
    exporter_lib_failed "installing tests/exporters/requirements.txt failed"
fi

# --- 3. checks and tests -----------------------------------------------------------------
section "cargo fmt --all --check"
cargo fmt --all --check

section "cargo clippy --locked --workspace --all-targets -- -D warnings"
cargo clippy --locked --workspace --all-targets -- -D warnings

# The dashboard and the CLI build without the simulator (`cargo install agentdeck
# --no-default-features`): no axum, no rcgen, `demo`/`sim` refused in words.
section "cargo clippy --locked --no-default-features -- -D warnings"
cargo clippy --locked -p agentdeck --no-default-features -- -D warnings

# Both crates must package and build from their packages, as `cargo install` from crates.io
# would: everything they embed at compile time (manifests/, themes/) has to be inside. With
# --workspace cargo packages agentdeck-sim first and resolves the product's dependency on it
# from that package (it is not on crates.io), so no --no-verify is needed. --allow-dirty:
# the check is about the packages' contents, so it also runs on a checkout with local
# changes. It needs the crates.io index (as the build does); nothing is uploaded.
section "cargo publish --dry-run --workspace --locked --allow-dirty"
# The verification builds in a target folder of its own: cargo takes a registry crate for
# immutable, so an earlier run's build (and extraction) of the packaged agentdeck-sim,
# whose version does not change, would be reused against newer sources — both are dropped
# first.
publish_target="${CARGO_TARGET_DIR:-target}/publish-check"
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/agentdeck-sim-* \
    "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/agentdeck-sim-* \
    "$publish_target"/debug/.fingerprint/agentdeck* "$publish_target"/debug/deps/*agentdeck* \
    "$publish_target"/package
CARGO_TARGET_DIR="$publish_target" cargo publish --dry-run --workspace --locked --allow-dirty

# Doc tests are not run: nextest does not run them, and the suite does not rely on them.
# Every test runs whatever fails (--no-fail-fast): one failure shows with all the others,
# rather than cancelling the rest of a 30-minute run.
if cargo nextest --version >/dev/null 2>&1; then
    section "cargo nextest run --locked --workspace --all-targets --no-fail-fast${*:+ $*}"
    cargo nextest run --locked --workspace --all-targets --no-fail-fast "$@"
else
    section "cargo test --locked --workspace --all-targets --no-fail-fast${*:+ $*} (cargo-nextest not installed)"
    cargo test --locked --workspace --all-targets --no-fail-fast "$@"
fi

section "OK"
