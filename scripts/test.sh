#!/usr/bin/env bash
# THE test command for agentdeck (README and CI both run this).
#
#   scripts/test.sh [ARGS...]     ARGS are passed to the test runner (cargo nextest run / cargo test)
#
# 1. installs missing system tools the suite needs (tmux, prometheus) with apt, when it can;
# 2. checks prerequisites: cargo, tmux, prometheus, kubectl, kubectl.1.27;
#    with CI=true a missing one is an error; otherwise a warning, and the names are exported
#    in AGENTDECK_MISSING so the tests that need them can skip;
# 3. cargo fmt --check, cargo clippy (warnings are errors), the packaging dry run of both
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
if ((${#apt_pkgs[@]} == 0)); then
    echo "tmux and prometheus are installed"
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
                apt-get install -y --no-install-recommends tmux prometheus; then
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
for tool in tmux prometheus kubectl kubectl.1.27; do
    if path="$(command -v "$tool" 2>/dev/null)"; then
        printf '  %-14s %s\n' "$tool" "$path"
    else
        printf '  %-14s MISSING\n' "$tool"
        missing+=("$tool")
    fi
done

if ((${#missing[@]} > 0)); then
    if is_ci; then
        die "missing prerequisite(s) on CI: ${missing[*]} (kubectl.1.27 is looked for on PATH and in $GCLOUD_BIN)"
    fi
    warn "missing prerequisite(s): ${missing[*]} -- the tests that need them will be skipped"
fi
export AGENTDECK_MISSING="${missing[*]}"

# --- 3. checks and tests -----------------------------------------------------------------
section "cargo fmt --all --check"
cargo fmt --all --check

section "cargo clippy --locked --workspace --all-targets -- -D warnings"
cargo clippy --locked --workspace --all-targets -- -D warnings

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
if cargo nextest --version >/dev/null 2>&1; then
    section "cargo nextest run --locked --workspace --all-targets${*:+ $*}"
    cargo nextest run --locked --workspace --all-targets "$@"
else
    section "cargo test --locked --workspace --all-targets${*:+ $*} (cargo-nextest not installed)"
    cargo test --locked --workspace --all-targets "$@"
fi

section "OK"
