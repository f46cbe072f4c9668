#!/usr/bin/env bash
# Runs every test of pullspec: Rust (native), the Node tests against the built package (they
# start the local OCI registry themselves), and the page in headless Chromium.
# Sets up first (idempotent), so it works on a fresh machine too.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[test]\033[0m %s\n' "$*" >&2; }

bash scripts/setup.sh

say "cargo fmt --check && cargo clippy"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
say "cargo doc (no broken links in the API docs)"
RUSTDOCFLAGS="-D rustdoc::broken_intra_doc_links -D rustdoc::private_intra_doc_links" cargo doc --no-deps --quiet

say "Rust tests (native)"
cargo test --quiet

say "Node tests (npm --prefix pkg test)"
npm --prefix pkg test --silent


say "browser tests (headless Chromium)"
node --test tests/browser/
