#!/usr/bin/env bash
# Apache SeaTunnel 2.3.8 (Zeta engine), assembled from Maven Central jars only (no
# SeaTunnel tarball is reachable here), running one job at a time in local mode.
#
#   scripts/services/seatunnel.sh install|lock|run|home
#
# install  downloads what seatunnel/jars.lock lists into .cache/seatunnel (once, SHA-256
#          checked) in the layout of SeaTunnel's own distribution: starter/ (the Zeta
#          engine and client jars that the distribution's shaded seatunnel-starter.jar
#          carries, resolved from seatunnel/pom.xml, plus our launcher compiled from
#          seatunnel/launcher/), lib/ (transforms-v2, the Hadoop uber jar the engine's
#          checkpoint/IMap storage loads, the PostgreSQL JDBC driver), connectors/ (Http,
#          Kafka, Jdbc, Fake, Console + plugin-mapping.properties) and config/
# lock     rewrites jars.lock: starter/ from pom.xml with Maven (local repository
#          .cache/m2), lib/ and connectors/ by downloading each listed path again
# run      run CONFIG [--cluster]: installs if needed, then runs the job in the
#          foreground with aurum.seatunnel.LocalJob (seatunnel-starter's SeaTunnelClient
#          is not published for 2.3.8; see the launcher's comment). Local mode: an
#          embedded single-member engine on 127.0.0.1, on the first free port of
#          58801-58899 (or AURUM_SEATUNNEL_PORT), that exits with the job. Exit status
#          0 only when the job FINISHED.
#          --cluster submits to a running SeaTunnel 2.3.8 cluster instead:
#          AURUM_SEATUNNEL_CLIENT_CONFIG=<its hazelcast-client.yaml> seatunnel.sh run CONFIG --cluster
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
LAUNCHER_SRC="$SEATUNNEL_SRC/launcher/aurum/seatunnel/LocalJob.java"
LAUNCHER_JAR=starter/aurum-seatunnel-launcher.jar
MAIN_CLASS=aurum.seatunnel.LocalJob
PORT_RANGE=(58801 58899)

java_major() {
	java -XshowSettings:properties -version 2>&1 |
		awk -F'= ' '/java.specification.version/ { print $2 }' | cut -d. -f1
}

# Everything install copies: a change to any of these reassembles the home.
source_hash() {
	(cd "$SEATUNNEL_SRC" && cat jars.lock plugin-mapping.properties "${CONFIG_FILES[@]}" \
		"$LAUNCHER_SRC") |
		sha256sum | cut -d' ' -f1
}

lock_entries() { grep -v '^#' "$SEATUNNEL_LOCK" | awk 'NF == 3'; }

pom_hash() { sha256sum "$SEATUNNEL_SRC/pom.xml" | cut -d' ' -f1; }

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
	command -v javac >/dev/null || ensure_debs openjdk-17-jdk-headless
	(($(java_major) >= 11)) || die "SeaTunnel 2.3 needs Java 8 or 11+; found $(java_major)"
	grep -qx "# pom-sha256 $(pom_hash)" "$SEATUNNEL_LOCK" ||
		die "$SEATUNNEL_LOCK does not match seatunnel/pom.xml (refresh it: $0 lock)"
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
	compile_launcher "$tmp"
	cp "$SEATUNNEL_SRC/plugin-mapping.properties" "$tmp/connectors/"
	for f in "${CONFIG_FILES[@]}"; do cp "$SEATUNNEL_SRC/$f" "$tmp/config/"; done
	source_hash >"$tmp/.assembled-from"
	# Swap in the complete directory only, so an interrupted download is never used.
	rm -rf "$SEATUNNEL_HOME"
	mv "$tmp" "$SEATUNNEL_HOME"
	log "seatunnel: $(du -sh "$SEATUNNEL_HOME" | cut -f1) assembled in $(elapsed "$start")s"
}

# The launcher is compiled here rather than downloaded: it is ours (seatunnel/launcher/).
compile_launcher() {
	local home="$1" classes
	classes="$(mktemp -d)"
	javac -nowarn -d "$classes" -cp "$(classpath "$home")" "$LAUNCHER_SRC" ||
		die "compiling $LAUNCHER_SRC failed"
	jar cf "$home/$LAUNCHER_JAR" -C "$classes" .
	rm -rf "$classes"
}

# The engine's classpath. seatunnel-config-shade overrides a few classes of the HOCON
# parser that seatunnel-config-base also carries (it keeps plugin blocks in order, as
# lists): it must come first, and a `dir/*` wildcard has no defined order.
classpath() {
	local home="$1" shade
	shade="$(find "$home/starter" -name 'seatunnel-config-shade-*.jar' | head -1)"
	[[ -n $shade ]] || die "no seatunnel-config-shade jar in $home/starter"
	printf '%s:%s:%s' "$shade" "$home/lib/*" "$home/starter/*"
}

cmd_lock() {
	command -v mvn >/dev/null || ensure_debs maven
	local tmp out lines repo dir path
	tmp="$(mktemp -d)"
	out="$(mktemp)"
	if ! mvn -B -q -f "$SEATUNNEL_SRC/pom.xml" -Dmaven.repo.local="$CACHE_DIR/m2" \
		dependency:copy-dependencies -DincludeScope=runtime -Dmdep.useRepositoryLayout=true \
		-DoutputDirectory="$tmp/starter-m2" >"$out" 2>&1; then
		cat "$out" >&2
		die "Maven could not resolve $SEATUNNEL_SRC/pom.xml"
	fi
	rm -f "$out"
	lines="$(mktemp)"
	{
		grep '^#' "$SEATUNNEL_LOCK" | grep -v '^# pom-sha256 '
		echo "# pom-sha256 $(pom_hash)"
		(cd "$tmp/starter-m2" && find . -name '*.jar' | sed 's|^\./||' | LC_ALL=C sort |
			while read -r path; do printf 'starter %s %s\n' "$(sha256sum "$path" | cut -d' ' -f1)" "$path"; done)
		lock_entries | awk '$1 != "starter"' >"$tmp/others"
		repo="$(maven_repo)"
		while read -r dir _ path; do
			curl -fsSL --retry 3 --connect-timeout 10 -o "$tmp/jar" "$repo/$path" || die "cannot download $path"
			printf '%s %s %s\n' "$dir" "$(sha256sum "$tmp/jar" | cut -d' ' -f1)" "$path"
		done <"$tmp/others"
	} >"$lines"
	mv "$lines" "$SEATUNNEL_LOCK"
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
	(($#)) || die "usage: $0 run CONFIG [--cluster]"
	local config="$1" port client_config
	shift
	[[ -f $config ]] || die "no such job config: $config"
	cmd_install
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
		-cp "$(classpath "$SEATUNNEL_HOME")" "$MAIN_CLASS" "$config" "$@"
}

case "${1:-}" in
install) cmd_install ;;
lock) cmd_lock ;;
run)
	shift
	cmd_run "$@"
	;;
home) printf '%s\n' "$SEATUNNEL_HOME" ;;
*) die "usage: $0 install|lock|run CONFIG [--cluster]|home" ;;
esac
