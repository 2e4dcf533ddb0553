#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on 127.0.0.1 with trust authentication.
#
#   eval "$(scripts/pg-test-cluster.sh start)"   # starts it; exports VIGIL_TEST_DATABASE_URL
#   scripts/pg-test-cluster.sh url               # prints the URL of the running cluster
#   scripts/pg-test-cluster.sh stop              # stops it and deletes its files
#
# Uses Debian's postgresql package (binaries in /usr/lib/postgresql/*/bin); when they are
# missing and we are root, installs it with apt-get. initdb and pg_ctl run as an unprivileged
# user (PostgreSQL refuses root): the invoking user, or `vigiltest`, created when running as
# root. The port is the first free one from $VIGIL_PG_PORT (default 55432). The cluster lives
# in $VIGIL_PG_DIR (default /tmp/vigil-pg-test); fsync is off, as nothing in it must survive.
# Only the export line goes to stdout; progress goes to stderr.
set -euo pipefail

dir=${VIGIL_PG_DIR:-/tmp/vigil-pg-test}
first_port=${VIGIL_PG_PORT:-55432}
os_user=vigiltest
db_user=vigil

say() { printf 'pg-test-cluster: %s\n' "$*" >&2; }

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$found" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing postgresql with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 ||
      { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [ -n "$found" ] || { say "no PostgreSQL binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)"; exit 1; }
  printf '%s\n' "$found"
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$os_user" -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

url_of() {
  printf 'postgres://%s@127.0.0.1:%s/postgres\n' "$db_user" "$(cat "$dir/port")"
}

start() {
  local bin port
  bin=$(find_bin)
  if [ -f "$dir/port" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    say "already running"
    printf 'export VIGIL_TEST_DATABASE_URL=%s\n' "$(url_of)"
    return
  fi
  if [ "$(id -u)" = 0 ] && ! id "$os_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$os_user"
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown "$os_user" "$dir"
  chmod 700 "$dir"

  port=$first_port
  while port_in_use "$port"; do
    port=$((port + 1))
    [ "$port" -lt $((first_port + 100)) ] || { say "no free port from $first_port"; exit 1; }
  done
  as_owner sh -c "printf '%s\n' '$port' > '$dir/port'"

  say "initdb in $dir/data"
  as_owner "$bin/initdb" -D "$dir/data" -U "$db_user" -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    as_owner "$bin/initdb" -D "$dir/data" -U "$db_user" -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  say "starting on 127.0.0.1:$port"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=200" >&2 ||
    { cat "$dir/server.log" >&2; exit 1; }
  printf 'export VIGIL_TEST_DATABASE_URL=%s\n' "$(url_of)"
}

stop() {
  local bin
  if [ ! -d "$dir/data" ]; then
    say "not running"
    return
  fi
  bin=$(find_bin)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir"
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) [ -f "$dir/port" ] && url_of || { say "not running"; exit 1; } ;;
  *) say "usage: $0 start|stop|url"; exit 2 ;;
esac
