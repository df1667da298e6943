#!/usr/bin/env bash
# Apache SeaTunnel 2.3.4 (Zeta engine), assembled from Maven Central jars only (no
# SeaTunnel tarball is reachable here), and run one job at a time in local mode.
#
#   scripts/services/seatunnel.sh install|lock|run|home
#
# install  downloads what seatunnel/jars.lock lists into .cache/seatunnel (once, SHA-256
#          checked) in the layout of SeaTunnel's own distribution: starter/ (the shaded
#          engine + client), lib/ (transforms-v2, the Hadoop uber jar the engine's
#          checkpoint/IMap storage loads, the PostgreSQL JDBC driver), connectors/ (Http,
#          Kafka, Jdbc, Fake, Console + plugin-mapping.properties) and config/ (from
#          seatunnel/*.yaml, log4j2.properties)
# lock     re-downloads every path of jars.lock and rewrites its SHA-256 sums
# run      run CONFIG [SeaTunnelClient args...]: installs if needed, then runs
#          org.apache.seatunnel.core.starter.seatunnel.SeaTunnelClient --config CONFIG
#          in the foreground; with no -m/--master argument it adds `-m local` (an
#          embedded single-member engine that exits with the job). The Hazelcast member
#          listens on 127.0.0.1 on the first free port of 58801-58899 (or
#          AURUM_SEATUNNEL_PORT). Exit status is the job's: 0 when it finished.
#          Against a running SeaTunnel cluster: AURUM_SEATUNNEL_CLIENT_CONFIG=<its
#          hazelcast-client.yaml> seatunnel.sh run CONFIG -m cluster
# home     prints the SeaTunnel home (SEATUNNEL_HOME of the assembled distribution)
#
# Environment: AURUM_SEATUNNEL_HEAP (1g), AURUM_SEATUNNEL_PORT, AURUM_SEATUNNEL_CLIENT_CONFIG,
# AURUM_MAVEN_REPOSITORY (https://repo.maven.apache.org/maven2).
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${AURUM_SEATUNNEL_HEAP:=1g}"
SEATUNNEL_SRC="$SERVICES_DIR/seatunnel"
SEATUNNEL_LOCK="$SEATUNNEL_SRC/jars.lock"
SEATUNNEL_HOME="$CACHE_DIR/seatunnel"
SEATUNNEL_STAMP="$SEATUNNEL_HOME/.assembled-from"
SEATUNNEL_CHECKPOINTS="$VAR_DIR/seatunnel/checkpoints/"
CONFIG_FILES=(seatunnel.yaml hazelcast.yaml hazelcast-client.yaml log4j2.properties)
PORT_RANGE=(58801 58899)

java_major() {
	java -XshowSettings:properties -version 2>&1 |
		awk -F'= ' '/java.specification.version/ { print $2 }' | cut -d. -f1
}

# Everything install copies: a change to any of these reassembles the home.
source_hash() {
	(cd "$SEATUNNEL_SRC" && cat jars.lock plugin-mapping.properties "${CONFIG_FILES[@]}") |
		sha256sum | cut -d' ' -f1
}

lock_entries() { grep -v '^#' "$SEATUNNEL_LOCK" | awk 'NF == 3'; }

maven_repo() { printf '%s' "${AURUM_MAVEN_REPOSITORY:-https://repo.maven.apache.org/maven2}"; }

# fetch_all DIR -> every locked jar into DIR/<dir>/, 8 downloads at a time
fetch_all() {
	local home="$1" repo dir
	repo="$(maven_repo)"
	while read -r dir _; do mkdir -p "$home/$dir"; done < <(lock_entries)
	# shellcheck disable=SC2016  # $0 and $1 belong to the inner sh
	lock_entries | awk -v repo="$repo" -v home="$home" '
		{ n = split($3, part, "/"); printf "%s/%s\n%s/%s/%s\n", repo, $3, home, $1, part[n] }' |
		xargs -P 8 -n 2 sh -c 'curl -fsSL --retry 3 --connect-timeout 10 -o "$1" "$0"' ||
		die "downloading the SeaTunnel jars from $repo failed"
}

cmd_install() {
	command -v java >/dev/null || ensure_debs openjdk-17-jre-headless
	command -v curl >/dev/null || ensure_debs curl
	(($(java_major) >= 11)) || die "SeaTunnel 2.3 needs Java 8 or 11+; found $(java_major)"
	mkdir -p "$CACHE_DIR"
	# Two test runs may install at once: the second waits, then finds the stamp.
	exec 8>"$CACHE_DIR/.seatunnel.lock"
	flock -w 600 8 || die "another seatunnel.sh install holds $CACHE_DIR/.seatunnel.lock"
	if [[ -f $SEATUNNEL_STAMP && "$(<"$SEATUNNEL_STAMP")" == "$(source_hash)" ]]; then
		return 0
	fi
	local start tmp
	start="$(now)"
	tmp="$CACHE_DIR/seatunnel.partial"
	rm -rf "$tmp"
	mkdir -p "$tmp/config"
	log "seatunnel: fetching $(lock_entries | wc -l) jars from Maven Central into $SEATUNNEL_HOME"
	fetch_all "$tmp"
	lock_entries | awk '{ n = split($3, part, "/"); print $2 "  " $1 "/" part[n] }' |
		(cd "$tmp" && sha256sum --quiet -c -) || die "a downloaded jar does not match $SEATUNNEL_LOCK"
	cp "$SEATUNNEL_SRC/plugin-mapping.properties" "$tmp/connectors/"
	for f in "${CONFIG_FILES[@]}"; do cp "$SEATUNNEL_SRC/$f" "$tmp/config/"; done
	source_hash >"$tmp/.assembled-from"
	# Swap in the complete directory only, so an interrupted download is never used.
	rm -rf "$SEATUNNEL_HOME"
	mv "$tmp" "$SEATUNNEL_HOME"
	log "seatunnel: $(du -sh "$SEATUNNEL_HOME" | cut -f1) assembled in $(elapsed "$start")s"
}

cmd_lock() {
	local tmp sums
	tmp="$(mktemp -d)"
	fetch_all "$tmp"
	sums="$(mktemp)"
	{
		grep '^#' "$SEATUNNEL_LOCK"
		lock_entries | while read -r dir _ path; do
			printf '%s %s %s\n' "$dir" "$(sha256sum "$tmp/$dir/${path##*/}" | cut -d' ' -f1)" "$path"
		done
	} >"$sums"
	mv "$sums" "$SEATUNNEL_LOCK"
	rm -rf "$tmp"
	log "seatunnel: wrote $SEATUNNEL_LOCK ($(lock_entries | wc -l) jars)"
}

free_port() {
	local port
	for ((port = PORT_RANGE[0]; port <= PORT_RANGE[1]; port++)); do
		port_open "$port" || {
			echo "$port"
			return 0
		}
	done
	die "no free port in ${PORT_RANGE[0]}-${PORT_RANGE[1]} for SeaTunnel's Hazelcast member"
}

cmd_run() {
	(($#)) || die "usage: $0 run CONFIG [SeaTunnelClient args...]"
	local config="$1" port client_config arg master=0
	shift
	[[ -f $config ]] || die "no such job config: $config"
	cmd_install
	for arg in "$@"; do [[ $arg == -m || $arg == --master || $arg == -m=* ]] && master=1; done
	((master)) || set -- -m local "$@"
	port="${AURUM_SEATUNNEL_PORT:-$(free_port)}"
	client_config="${AURUM_SEATUNNEL_CLIENT_CONFIG:-$SEATUNNEL_HOME/config/hazelcast-client.yaml}"
	mkdir -p "$SEATUNNEL_CHECKPOINTS"
	# user.timezone=UTC: SeaTunnel's timestamps carry no zone, and now() must be UTC.
	exec java -Xms256m "-Xmx$AURUM_SEATUNNEL_HEAP" -XX:+UseSerialGC -Duser.timezone=UTC \
		-Dfile.encoding=UTF-8 \
		"-DSEATUNNEL_HOME=$SEATUNNEL_HOME" \
		"-Dseatunnel.config=$SEATUNNEL_HOME/config/seatunnel.yaml" \
		"-Dhazelcast.config=$SEATUNNEL_HOME/config/hazelcast.yaml" \
		"-Dhazelcast.client.config=$client_config" \
		"-Dlog4j2.configurationFile=$SEATUNNEL_HOME/config/log4j2.properties" \
		"-Daurum.seatunnel.port=$port" \
		"-Daurum.seatunnel.checkpoints=$SEATUNNEL_CHECKPOINTS" \
		-cp "$SEATUNNEL_HOME/lib/*:$SEATUNNEL_HOME/starter/*" \
		org.apache.seatunnel.core.starter.seatunnel.SeaTunnelClient --config "$config" "$@"
}

case "${1:-}" in
install) cmd_install ;;
lock) cmd_lock ;;
run)
	shift
	cmd_run "$@"
	;;
home) printf '%s\n' "$SEATUNNEL_HOME" ;;
*) die "usage: $0 install|lock|run CONFIG [args...]|home" ;;
esac
