#!/usr/bin/env bash
# Starts or stops the private MariaDB server of the upload tests: its own
# datadir, Unix socket and pid file under DIR (the build tree), no TCP, so
# that two builds testing at the same time never meet and the system
# server is never touched.
#   mariadb_fixture.sh start DIR    (fresh datadir, waits until it answers)
#   mariadb_fixture.sh stop DIR
set -euo pipefail
action=$1
dir=$2
data=$dir/data
sock=$dir/mysqld.sock
pidfile=$dir/mysqld.pid
as_root=()
[[ $(id -u) -eq 0 ]] && as_root=(--user=root)

stop() {
  [[ -f $pidfile ]] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
}

case $action in
  start)
    stop  # a server left behind by an interrupted run
    rm -rf "$data"
    # A private tmpdir too: two servers installing at once in /tmp collide
    # on their temporary table names.
    mkdir -p "$data" "$dir/tmp"
    mariadb-install-db --no-defaults "${as_root[@]}" --datadir="$data" --tmpdir="$dir/tmp" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
      || { echo "mariadb-install-db failed, see $dir/install.log" >&2; exit 1; }
    # The conformance vectors were produced with sql_mode=''.
    mariadbd --no-defaults "${as_root[@]}" --datadir="$data" --tmpdir="$dir/tmp" --socket="$sock" \
      --pid-file="$pidfile" --skip-networking --sql-mode='' \
      --log-error="$dir/mysqld.err" --max-connections=200 \
      </dev/null >"$dir/mysqld.out" 2>&1 &
    for _ in $(seq 1 600); do
      if mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then
        exit 0
      fi
      sleep 0.1
    done
    echo "the test MariaDB server did not come up, see $dir/mysqld.err" >&2
    stop
    exit 1
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
