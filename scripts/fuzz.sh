#!/usr/bin/env bash
# Runs one cargo-fuzz target for a while, seeded from the conformance vectors (tests/vectors/).
#
#   scripts/fuzz.sh [TARGET] [SECONDS]      TARGET: reference (default) | policy | manifest |
#                                           platform | text | manifests; SECONDS: 60
#
# Only the stable toolchain is needed: cargo-fuzz passes nightly-only -Z flags to rustc
# (-Zsanitizer=address, -Cpasses=sancov-module, ...), which RUSTC_BOOTSTRAP=1 lets stable accept.
# Builds are serialized with the machine's build lock; the fuzz run itself is not (it takes one
# core for SECONDS). A crash leaves its input in fuzz/artifacts/TARGET/ and makes this exit non-zero.
set -euo pipefail

target="${1:-reference}"
seconds="${2:-60}"
cargo_fuzz_version="0.13.2"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vectors="${PULLSPEC_VECTORS:-$root/tests/vectors}"
lock="${PULLSPEC_BUILD_LOCK:-/tmp/pullspec-build.lock}"
export RUSTC_BOOTSTRAP=1

case "$target" in
  reference | policy | manifest | platform | text | manifests) ;;
  *) echo "unknown target '$target' (reference | policy | manifest | platform | text | manifests)" >&2; exit 2 ;;
esac

if ! cargo fuzz --version 2>/dev/null | grep -q " $cargo_fuzz_version\$"; then
  echo "installing cargo-fuzz $cargo_fuzz_version" >&2
  flock "$lock" cargo install cargo-fuzz --version "=$cargo_fuzz_version" --locked
fi

# Seed corpus: one file per conformance input (names are content hashes, so reruns add nothing).
corpus="$root/fuzz/corpus/$target"
mkdir -p "$corpus" "$root/fuzz/artifacts/$target"
if [ -d "$vectors" ]; then
  node - "$target" "$vectors" "$corpus" "$root" <<'EOF'
const [target, vectors, corpus, root] = process.argv.slice(2);
const { readFileSync, writeFileSync, readdirSync } = require("node:fs");
const { createHash } = require("node:crypto");
const seeds = [];
const refs = JSON.parse(readFileSync(`${vectors}/references.json`, "utf8"));
for (const c of refs.cases ?? []) seeds.push(c.input);
for (const c of refs.identifier_cases ?? []) seeds.push(c.input);
for (const c of refs.domain_cases ?? []) seeds.push(`${c.domain}/x`);
if (target === "policy") {
  const policy = JSON.parse(readFileSync(`${vectors}/pull_policy.json`, "utf8"));
  for (const c of policy.cases ?? []) {
    if (typeof c.input?.image === "string") seeds.push(c.input.image);
    if (c.input?.object !== undefined) seeds.push(JSON.stringify(c.input.object));
    if (c.input?.oldObject !== undefined) seeds.push(JSON.stringify(c.input.oldObject));
  }
}
if (target === "manifest") {
  seeds.length = 0;
  for (const f of readdirSync(`${root}/pkg/examples`)) {
    if (f.endsWith(".json")) seeds.push(readFileSync(`${root}/pkg/examples/${f}`, "utf8"));
  }
}
if (target === "manifests") {
  seeds.length = 0;
  const dir = `${root}/pkg/examples/manifests`;
  for (const f of readdirSync(dir)) {
    if (/\.(ya?ml|json)$/.test(f) && f !== "expected.json") seeds.push(readFileSync(`${dir}/${f}`, "utf8"));
  }
}
if (target === "platform") {
  seeds.length = 0;
  const p = JSON.parse(readFileSync(`${vectors}/platforms.json`, "utf8"));
  for (const c of p.parse_cases ?? []) seeds.push(c.input);
  for (const c of p.match_cases ?? []) for (const v of [c.spec, c.candidate]) if (typeof v === "string") seeds.push(v);
}
if (target === "text") {
  seeds.length = 0;
  const cr = JSON.parse(readFileSync(`${vectors}/credentials.json`, "utf8"));
  for (const c of cr.lookup_cases ?? []) for (const s of c.pull_secrets ?? []) seeds.push(JSON.stringify({ apiVersion: "v1", kind: "Secret", ...s }));
  seeds.push('Bearer realm="https://auth.example.com/token",service="registry",scope="repository:a/b:pull"');
  seeds.push('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: |\n    {"auths": {}}\n');
}
let n = 0;
for (const s of seeds) {
  if (typeof s !== "string") continue;
  const name = createHash("sha1").update(s).digest("hex");
  writeFileSync(`${corpus}/${name}`, s);
  n++;
}
console.error(`seeded ${n} inputs into ${corpus}`);
EOF
else
  echo "no vectors at $vectors: fuzzing from an empty corpus" >&2
fi

# Build under the lock, then run the binary itself (`cargo fuzz run` would rebuild outside it
# whenever src/ changed in between; the flags are the same as its own).
cd "$root/fuzz"
flock "$lock" cargo fuzz build "$target"
host="$(rustc -vV | sed -n 's/^host: //p')"
exec "$root/fuzz/target/$host/release/$target" \
  -artifact_prefix="$root/fuzz/artifacts/$target/" \
  -max_total_time="$seconds" -max_len=4096 \
  "$corpus"
