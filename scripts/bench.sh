#!/usr/bin/env bash
# Benchmarks (issue 4): builds the release qjs and qjs.wasm, then runs the `bench` tool.
#   ./scripts/bench.sh [--only richards] [--compare tests/bench/results/OLD.json] [--save]
# Prints a table and the JSON of the run; --save keeps it in tests/bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/qjs-rs/target}"
if command -v rustup >/dev/null 2>&1; then rustup target add wasm32-wasip1 >/dev/null; fi
cargo build --release -p qjs-cli
cargo build --release -p qjs-cli --target wasm32-wasip1
# The harness itself is built with the test profile (shared with ./scripts/test.sh): it only
# times the release binaries above, and a fat-LTO build of it with wasmtime took 42 minutes.
cargo run --profile test-opt -p qjs-tests --bin bench -- "$@"
