#!/usr/bin/env bash
# The main job on the embedded defaults: `pullspec demo` over the bundled examples.
set -euo pipefail
cd "$(dirname "$0")/.."
node pkg/cli.js demo
