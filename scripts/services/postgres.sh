#!/usr/bin/env bash
# A private PostgreSQL cluster for Aurum: Debian's binaries, our own data directory.
#
#   scripts/services/postgres.sh install|up|down|status
#
# Not the system cluster: the data directory is var/postgres/data, the unix socket is
# in var/postgres/run, it listens on 127.0.0.1:$AURUM_PG_PORT with trust auth, and the
# bootstrap superuser is the role `aurum`, owner of the database `aurum`.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_HOME="$VAR_DIR/postgres"
PG_DATA="$PG_HOME/data"
PG_RUN="$PG_HOME/run"
PG_LOG="$LOG_DIR/postgres.log"

pg_bindir() {
	if [[ -n ${AURUM_PG_BINDIR:-} ]]; then
		printf '%s\n' "$AURUM_PG_BINDIR"
		return
	fi
	# The newest installed major version (Debian 12: 15).
	local dir
	dir="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)"
	[[ -n $dir ]] || die "no PostgreSQL binaries under /usr/lib/postgresql (run: $0 install)"
	printf '%s\n' "$dir"
}

# initdb and postgres refuse to run as root. As root we run them as the `postgres`
# system user the Debian package creates, and give it var/postgres and the log file;
# as anyone else we run them as that user.
as_pg() {
	if ((EUID == 0)); then
		(cd "$PG_HOME" && close_extra_fds && exec runuser -u postgres -- "$@")
	else
		(close_extra_fds && exec "$@")
	fi
}

prepare_dirs() {
	mkdir -p "$PG_RUN" "$LOG_DIR"
	touch "$PG_LOG"
	if ((EUID == 0)); then
		chown postgres:postgres "$PG_HOME" "$PG_RUN" "$PG_LOG"
		[[ -d $PG_DATA ]] && chown postgres:postgres "$PG_DATA"
		# The postgres user must be able to reach var/postgres through the repository path.
		runuser -u postgres -- test -x "$PG_HOME" ||
			die "user 'postgres' cannot enter $PG_HOME; make the path to the repository world-executable (chmod o+x on each parent)"
	fi
	# A unix socket path is limited to 107 bytes.
	((${#PG_RUN} + 20 < 107)) || die "socket directory path too long: $PG_RUN"
}

pg_ctl_() { as_pg "$(pg_bindir)/pg_ctl" -D "$PG_DATA" "$@"; }

running() { [[ -f $PG_DATA/postmaster.pid ]] && pg_ctl_ status >/dev/null 2>&1; }

ready() { "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$AURUM_PG_PORT" -d aurum -U aurum; }

cmd_install() { ensure_debs postgresql; }

cmd_up() {
	cmd_install
	prepare_dirs
	local bin
	bin="$(pg_bindir)"
	if [[ ! -f $PG_DATA/PG_VERSION ]]; then
		log "postgres: initdb $PG_DATA"
		rm -rf "$PG_DATA"
		# --no-sync: a throwaway development cluster; skipping fsync saves seconds.
		as_pg "$bin/initdb" -D "$PG_DATA" -U aurum --auth-local=trust --auth-host=trust \
			--encoding=UTF8 --locale=C.UTF-8 --no-sync >>"$PG_LOG"
		{
			echo "# Aurum: loopback only, socket in var/postgres/run (port is given by pg_ctl -o)"
			echo "listen_addresses = '127.0.0.1'"
			echo "unix_socket_directories = '$PG_RUN'"
		} >>"$PG_DATA/postgresql.conf"
	fi
	if running; then
		local port
		port="$(sed -n 4p "$PG_DATA/postmaster.pid")"
		[[ $port == "$AURUM_PG_PORT" ]] ||
			die "postgres is already running on port $port, not $AURUM_PG_PORT; run down.sh postgres first"
		log "postgres: already running (127.0.0.1:$AURUM_PG_PORT)"
	else
		if port_open "$AURUM_PG_PORT"; then
			die "port $AURUM_PG_PORT is taken by $(port_owner "$AURUM_PG_PORT"); set AURUM_PG_PORT"
		fi
		pg_ctl_ -l "$PG_LOG" -o "-p $AURUM_PG_PORT" -w -t "$AURUM_SERVICES_TIMEOUT" start >/dev/null ||
			die "postgres failed to start; see $PG_LOG"
	fi
	wait_until "$AURUM_SERVICES_TIMEOUT" "postgres on 127.0.0.1:$AURUM_PG_PORT" ready ||
		die "postgres is not ready; see $PG_LOG"
	# The bootstrap superuser is `aurum`; the database is created once.
	if ! "$bin/psql" -h 127.0.0.1 -p "$AURUM_PG_PORT" -U aurum -d postgres -XtAc \
		"select 1 from pg_database where datname = 'aurum'" | grep -q 1; then
		"$bin/createdb" -h 127.0.0.1 -p "$AURUM_PG_PORT" -U aurum -O aurum aurum
	fi
	log "postgres: ready at postgresql://aurum@127.0.0.1:$AURUM_PG_PORT/aurum (log: $PG_LOG)"
}

cmd_down() {
	if [[ -d $PG_DATA ]] && running; then
		pg_ctl_ -m fast -w -t "$AURUM_SERVICES_TIMEOUT" stop >/dev/null
		log "postgres: stopped"
	else
		log "postgres: not running"
	fi
}

cmd_status() {
	if [[ -d $PG_DATA ]] && running && ready; then
		echo "postgres  up    127.0.0.1:$AURUM_PG_PORT  pid $(head -1 "$PG_DATA/postmaster.pid")  log $PG_LOG"
	else
		echo "postgres  down  127.0.0.1:$AURUM_PG_PORT  log $PG_LOG"
		return 3
	fi
}

case "${1:-}" in
install | up | down | status) "cmd_$1" ;;
*) die "usage: $0 install|up|down|status" ;;
esac
