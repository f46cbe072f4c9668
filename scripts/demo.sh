#!/usr/bin/env bash
# The main job on the embedded defaults: `pullspec demo` over the bundled examples, then a real
# pull from a local registry: inspect a multi-arch image for linux/arm64, pull it into an OCI
# layout (every byte verified) and let skopeo read the layout back.
set -euo pipefail
cd "$(dirname "$0")/.."
node pkg/cli.js demo

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
work=$(mktemp -d)
harness_pid=
cleanup() {
  exec 3>&- 2>/dev/null || true # closing the harness's stdin stops it
  [ -n "$harness_pid" ] && wait "$harness_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The registry harness (tests/registry/): prints one JSON line with its URLs, runs until its
# stdin closes.
mkfifo "$work/stdin"
node tests/registry/harness.mjs up <"$work/stdin" >"$work/up.json" &
harness_pid=$!
exec 3>"$work/stdin"
for _ in $(seq 1 300); do
  [ -s "$work/up.json" ] && break
  kill -0 "$harness_pid" 2>/dev/null || { echo "the registry harness did not start" >&2; exit 1; }
  sleep 0.1
done
host=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).anonymous.host)' "$work/up.json")
image="$host/multiarch:1.0"

say "pullspec inspect $image --platform linux/arm64"
node pkg/cli.js inspect "$image" --platform linux/arm64

out="$work/layout"
say "pullspec pull $image --platform linux/arm64 --output $out"
node pkg/cli.js pull "$image" --platform linux/arm64 --output "$out"

say "skopeo inspect oci:$out"
skopeo inspect "oci:$out"

# The manifest checks online: a Deployment naming the local images, for nodes it selects.
cat >"$work/deploy.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeSelector: {kubernetes.io/arch: arm64}
      containers:
      - name: web
        image: $host/multiarch:1.0
      - name: sidecar
        image: $host/single:1.0
      - name: typo
        image: $host/multiarch:1.1
YAML
say "pullspec check --online $work/deploy.yaml (a Deployment for arm64 nodes, against the local registry)"
status=0
node pkg/cli.js check --online "$work/deploy.yaml" || status=$?
[ "$status" -eq 1 ] || { echo "expected the online check to find errors (exit 1), got $status" >&2; exit 1; }
