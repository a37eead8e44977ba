#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
#
#   ./scripts/test.sh            everything
#   ./scripts/test.sh --quick    skip the full test262 run
#
# Installs what it needs from the registries only (the two rustup wasm targets), builds both
# wasm targets, checks formatting and lints, runs every Rust and JS test natively and under
# wasmtime, and runs test262 against tests/test262/known-failures.txt (new failures fail).
# The cargo target directory is cached outside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/qjs-rs/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

step() { printf '\n=== %s (%ss)\n' "$1" "$SECONDS"; }

step "toolchain"
if command -v rustup >/dev/null 2>&1; then
  rustup target add wasm32-wasip1 wasm32-unknown-unknown
fi
cargo --version

step "format"
cargo fmt --all --check

step "qjs.wasm (wasm32-wasip1, release)"
cargo build --release -p qjs-cli --target wasm32-wasip1
ls -l "$CARGO_TARGET_DIR/wasm32-wasip1/release/qjs.wasm"

step "engine for wasm32-unknown-unknown"
cargo build -p qjs-engine --target wasm32-unknown-unknown

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

# Tests and test262 use the `test-opt` profile (release optimisations without fat LTO, with
# debug assertions): the engine runs fast and wasmtime/cranelift are built once, optimised,
# instead of twice (debug for tests, fat-LTO release for the runner). Measured: a fat-LTO
# release build of wasmtime alone ran past 8 minutes on the shared 2-core machine.
step "tests (native and qjs.wasm under wasmtime)"
QJS_WASM="$CARGO_TARGET_DIR/wasm32-wasip1/release/qjs.wasm" cargo test --workspace --profile test-opt

if [[ $quick == 0 ]]; then
  step "test262 (against tests/test262/known-failures.txt)"
  if grep -qv '^#' tests/test262/known-failures.txt; then
    # 10 s per run (the runner default is 5 s): headroom for a slower CI machine; the
    # slowest passing runs (RegExp property escapes) take about 1 s here.
    cargo run --profile test-opt -p qjs-tests --bin test262 -- --time-limit 10000
  else
    # The list has not been generated for the engine yet (it needs one full `--update` run
    # on an idle machine). Until it is, the run is reported but cannot gate: every failure
    # would be "new". Arm the gate by committing the list written by --update.
    echo "test262 gate NOT ARMED: tests/test262/known-failures.txt has no entries yet"
    cargo run --profile test-opt -p qjs-tests --bin test262 -- --known-failures "$CARGO_TARGET_DIR/known-failures.unarmed.txt" --summary "$CARGO_TARGET_DIR/summary.unarmed.txt" --update
  fi
fi

# Both targets agree: a subset (about 2,000 runs: promises and jobs, JSON, subclassing,
# async arrows) natively and through qjs.wasm under wasmtime; any disagreement fails.
step "test262 --wasm subset (native vs qjs.wasm)"
QJS_WASM="$CARGO_TARGET_DIR/wasm32-wasip1/release/qjs.wasm" cargo run --profile test-opt -p qjs-tests --bin test262 -- --wasm \
  --filter test/built-ins/Promise --filter test/built-ins/JSON \
  --filter test/language/statements/class/subclass \
  --filter test/language/expressions/async-arrow-function

step "done"
