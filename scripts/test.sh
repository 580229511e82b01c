#!/usr/bin/env bash
# Runs every check CI runs: formatting, clippy with warnings as errors, then every test in the
# workspace (unit tests, reference tests against TA-Lib/backtrader/vectorbt data committed under
# engine/tests/data, CLI end-to-end tests, and doc tests).
set -euo pipefail
cd "$(dirname "$0")/.."
# rustfmt and clippy come with rustup's default profile; a minimal toolchain gets them here.
for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
        rustup component add "$component"
    fi
done
cargo fmt --all -- --check
# The `ci` profile is release without LTO (Cargo.toml says why).
cargo clippy --workspace --all-targets --profile ci --locked -- -D warnings
cargo test --workspace --profile ci --locked
