#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of the shared store, on loopback.
#
#   eval "$(bash scripts/test-postgres.sh start)"   # prints: export CSMS_TEST_POSTGRES_URL=…
#   bash scripts/test-postgres.sh stop
#
# It installs PostgreSQL from Debian's packages when no initdb is found (as root only), makes a
# cluster of its own under PGTEST_DIR (default /tmp/csmskit-pgtest) listening on 127.0.0.1 at
# PGTEST_PORT (default 55432), and creates the role and database csmskit_test. A cluster that
# is already running there is reused. Run as root, the server runs as the postgres user.
set -euo pipefail

dir=${PGTEST_DIR:-/tmp/csmskit-pgtest}
port=${PGTEST_PORT:-55432}
db=csmskit_test
password=csmskit-test-only

find_bin() {
	local b
	for b in /usr/lib/postgresql/*/bin; do
		[ -x "$b/initdb" ] && { echo "$b"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	return 1
}

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	local bin
	if ! bin=$(find_bin); then
		if [ "$(id -u)" != 0 ]; then
			echo "PostgreSQL is not installed: apt-get install postgresql (or set CSMS_TEST_POSTGRES_URL)" >&2
			exit 1
		fi
		echo "installing PostgreSQL from Debian's packages" >&2
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
		bin=$(find_bin)
	fi
	if [ "$(id -u)" = 0 ]; then
		mkdir -p "$dir"
		chown postgres: "$dir"
	fi
	if [ ! -s "$dir/data/PG_VERSION" ]; then
		as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
	fi
	if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		# Loopback only, the socket beside the data; fsync stays on: the crash tests rely on it.
		as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300" start >&2
	fi
	local psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt)
	if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$db'")" != 1 ]; then
		"${psql[@]}" -d postgres -c "CREATE ROLE $db LOGIN PASSWORD '$password'" >&2
	fi
	if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
		"${psql[@]}" -d postgres -c "CREATE DATABASE $db OWNER $db" >&2
	fi
	echo "export CSMS_TEST_POSTGRES_URL='postgres://$db:$password@127.0.0.1:$port/$db?sslmode=disable'"
}

stop() {
	local bin
	bin=$(find_bin) || exit 0
	if [ -s "$dir/data/PG_VERSION" ]; then
		as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
	fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
