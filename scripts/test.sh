#!/usr/bin/env bash
# Runs every test in the workspace: unit tests, reference tests against TA-Lib/backtrader/vectorbt
# data committed under engine/tests/data, CLI end-to-end tests, and doc tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --release --locked
