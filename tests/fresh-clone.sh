#!/usr/bin/env bash
# Runs the README's test command in a clone of this repository placed in an empty temporary
# folder, the way a new user meets the project: nothing beside the clone (no maintainers' shared folder), no build
# output, no node_modules, no PULLSPEC_VECTORS. `.ci/run` calls this, so CI tests what a user runs.
#
#   bash tests/fresh-clone.sh            clones HEAD (committed work only) and runs the command
#   KEEP=1 bash tests/fresh-clone.sh     keeps the temporary folder for a look afterwards
#
# The command is read from the README (the second line of its first ```sh block), so the README
# and CI cannot drift apart.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
say() { printf '\033[1m[fresh-clone]\033[0m %s\n' "$*" >&2; }

cmd=$(awk '/^```sh$/ { inblock = 1; next } inblock && /^```/ { exit } inblock { n++; if (n == 2) print }' "$top/README.md" \
  | sed 's/[[:space:]]*#.*$//')
case "$cmd" in
  "bash scripts/"*) ;;
  *) say "the README's second command is not a script call: '$cmd'"; exit 2 ;;
esac
if [ -n "$(git -C "$top" status --porcelain 2>/dev/null)" ]; then
  say "note: uncommitted changes are not part of the clone"
fi

dir=$(mktemp -d)
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$dir"; else say "kept $dir"; fi; }
trap cleanup EXIT
git clone --quiet --no-hardlinks "$top" "$dir/pullspec"
say "in $dir/pullspec (nothing beside it): $cmd"
cd "$dir/pullspec"
# The clone must not see the maintainers' environment: no vectors folder from elsewhere.
env -u PULLSPEC_VECTORS bash -c "$cmd"
