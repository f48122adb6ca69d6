#!/usr/bin/env bash
# Debian's PostgreSQL server and PostGIS for the store's server backend and its tests (the tests start
# throwaway clusters of their own; nothing is started here).
set -euo pipefail
have_postgis() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bindir" ] && [ -x "$bindir/initdb" ] && [ -f "$("$bindir/pg_config" --sharedir)/extension/postgis.control" ]
}
if have_postgis; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "PostgreSQL/PostGIS is missing: run 'sudo apt-get install -y postgresql postgresql-15-postgis-3', then 'make test' again" >&2
  echo "(without them the tests marked postgis are skipped, saying so)" >&2
  exit 0
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql postgresql-15-postgis-3
