#!/usr/bin/env bash
# Installs what pullspec needs on a Debian machine that has rustup and Node 20, then builds the
# npm package. Idempotent: each step runs only when its result is missing or outdated.
#   Debian packages: chromium (browser tests), docker-registry + skopeo + apache2-utils + umoci
#                    (the local OCI registry and its tooling), openssl (token-server certificates)
#   Rust: the wasm32-unknown-unknown target, wasm-bindgen-cli pinned to Cargo.lock's version
#   npm:  pkg/ devDependencies from pkg/package-lock.json (binaryen's wasm-opt, playwright-core, peers)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pair in chromium:chromium docker-registry:docker-registry skopeo:skopeo htpasswd:apache2-utils \
            umoci:umoci openssl:openssl setpriv:util-linux; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen's CLI must equal the crate version Cargo.lock pins (`--locked` fails on this
# registry mirror; without it the CLI builds; measured here: about 150-200 s).
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  say "cargo install wasm-bindgen-cli $want (was: ${have:-none}); takes about 3 minutes"
  cargo install wasm-bindgen-cli --version "=$want" --no-default-features --quiet
fi

if [ ! -d pkg/node_modules ] || [ pkg/package-lock.json -nt pkg/node_modules/.package-lock.json ]; then
  say "npm ci (pkg/)"
  npm ci --prefix pkg --no-audit --no-fund --loglevel=error
fi

# The OASIS SARIF 2.1.0 JSON schema, for the test that validates `pullspec check --format sarif`.
# No small npm package ships it; @datadog/datadog-ci does, so its tarball (0.5 MB, no
# dependencies installed) is fetched with `npm pack` and only the schema is kept, verified by sha256.
sarif=.cache/sarif/sarif-schema-2.1.0.json
sarif_sha=10666d46649b52e262001e70d43e6c52f7c0279ca3dbdfe9a7dc2e4071556454
if ! echo "$sarif_sha  $sarif" | sha256sum -c --status 2>/dev/null; then
  say "SARIF 2.1.0 schema (npm pack @datadog/datadog-ci@2.48.0)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack @datadog/datadog-ci@2.48.0 --silent >/dev/null && tar -xzf ./*.tgz package/dist/commands/sarif/json-schema/sarif-schema-2.1.0.json)
  mkdir -p "$(dirname "$sarif")"
  mv "$tmp/package/dist/commands/sarif/json-schema/sarif-schema-2.1.0.json" "$sarif"
  rm -rf "$tmp"
  echo "$sarif_sha  $sarif" | sha256sum -c --status || { echo "the SARIF schema does not match its sha256" >&2; exit 1; }
fi

say "building the package (npm --prefix pkg run build)"
npm --prefix pkg run build --silent

# The page (www/): a Vite app on the package just built.
if [ ! -d www/node_modules ] || [ www/package-lock.json -nt www/node_modules/.package-lock.json ]; then
  say "npm ci (www/)"
  npm ci --prefix www --no-audit --no-fund --loglevel=error
fi
say "building the page (npm --prefix www run build)"
npm --prefix www run build --silent
