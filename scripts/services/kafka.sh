#!/usr/bin/env bash
# A single-node Kafka 4.1 broker in KRaft mode (broker + controller in one JVM), run
# from the jars on Maven Central (no Kafka tarball is reachable here).
#
#   scripts/services/kafka.sh install|up|down|status|lock|debs
#
# install  puts the broker's jars in .cache/kafka/lib (once): the jars listed in
#          kafka/jars.lock straight from Maven Central (parallel, SHA-256 checked), or,
#          if the lock does not match kafka/pom.xml, whatever Maven resolves from the pom
#          (local repository .cache/m2)
# lock     regenerates kafka/jars.lock from kafka/pom.xml with Maven
# up       writes var/kafka/server.properties, formats var/kafka/data once, starts
#          kafka.Kafka in the background and waits for a metadata request to succeed
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_SRC="$SERVICES_DIR/kafka"
KAFKA_LIB="$CACHE_DIR/kafka/lib"
KAFKA_STAMP="$KAFKA_LIB/.resolved-from"
KAFKA_HOME="$VAR_DIR/kafka"
KAFKA_DATA="$KAFKA_HOME/data"
KAFKA_CONF="$KAFKA_HOME/server.properties"
KAFKA_PID="$KAFKA_HOME/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"         # log4j2 (kafka/log4j2.properties)
KAFKA_STDOUT="$LOG_DIR/kafka.stdout.log" # JVM output before log4j starts, crashes
BOOTSTRAP="127.0.0.1:$AURUM_KAFKA_PORT"
# Identifies our broker's command line (see pid_alive).
MARKER="kafka.Kafka $KAFKA_CONF"

java_major() {
	java -XshowSettings:properties -version 2>&1 |
		awk -F'= ' '/java.specification.version/ { print $2 }' | cut -d. -f1
}

pom_hash() { sha256sum "$KAFKA_SRC/pom.xml" | cut -d' ' -f1; }

# The Debian packages Kafka needs that are missing (up.sh installs them with the others
# in one apt-get run): a Java 17 runtime, and curl for the locked-jar download.
cmd_debs() {
	command -v java >/dev/null || echo openjdk-17-jre-headless
	command -v curl >/dev/null || echo curl
}

# mvn_resolve DIR [LAYOUT] -> copy the pom's runtime dependencies into DIR (flat, or in
# Maven repository layout when LAYOUT=true). Maven's local repository is .cache/m2.
mvn_resolve() {
	command -v mvn >/dev/null || ensure_debs maven
	local out
	out="$(mktemp)"
	# -Daether.connector.basic.threads: more parallel downloads than the default 5.
	# Output is shown only on failure: Maven 3.8's -q still prints stray ANSI resets.
	if ! mvn -B -q -f "$KAFKA_SRC/pom.xml" \
		-Dmaven.repo.local="$CACHE_DIR/m2" -Daether.connector.basic.threads=16 \
		dependency:copy-dependencies -DincludeScope=runtime \
		-Dmdep.useRepositoryLayout="${2:-false}" -DoutputDirectory="$1" >"$out" 2>&1; then
		cat "$out" >&2
		rm -f "$out"
		die "Maven could not resolve $KAFKA_SRC/pom.xml"
	fi
	rm -f "$out"
}

# Fast path: the exact jars of jars.lock, 16 downloads at a time, checked against the
# lock's SHA-256 sums. Returns 1 (caller falls back to Maven) when the lock is stale.
fetch_locked() {
	local dir="$1" lock="$KAFKA_SRC/jars.lock"
	if [[ ! -f $lock ]] || ! grep -qx "# pom-sha256 $(pom_hash)" "$lock"; then
		log "kafka: jars.lock does not match pom.xml (refresh it: $0 lock); using Maven"
		return 1
	fi
	command -v curl >/dev/null || ensure_debs curl
	local repo="${AURUM_MAVEN_REPOSITORY:-https://repo.maven.apache.org/maven2}"
	# shellcheck disable=SC2016  # $0 and $1 belong to the inner sh
	grep -v '^#' "$lock" | awk -v repo="$repo" -v dir="$dir" '
		{ n = split($2, part, "/"); printf "%s/%s\n%s/%s\n", repo, $2, dir, part[n] }' |
		xargs -P 16 -n 2 sh -c 'curl -fsSL --retry 3 --connect-timeout 10 -o "$1" "$0"' || {
		log "kafka: downloading the locked jars failed; using Maven"
		return 1
	}
	grep -v '^#' "$lock" | awk '{ n = split($2, part, "/"); print $1 "  " part[n] }' |
		(cd "$dir" && sha256sum --quiet -c -) || die "a downloaded jar does not match jars.lock"
}

cmd_install() {
	if ! command -v java >/dev/null || ! command -v curl >/dev/null; then
		mapfile -t debs < <(cmd_debs)
		ensure_debs "${debs[@]}"
	fi
	(($(java_major) >= 17)) || die "Kafka 4.1 needs Java 17 or newer; found $(java_major)"
	if [[ -f $KAFKA_STAMP && "$(<"$KAFKA_STAMP")" == "$(pom_hash)" ]]; then
		return 0
	fi
	local start tmp
	start="$(now)"
	tmp="$CACHE_DIR/kafka/lib.partial"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	log "kafka: fetching jars from Maven Central into $KAFKA_LIB"
	if ! fetch_locked "$tmp"; then
		rm -rf "$tmp"
		mkdir -p "$tmp"
		mvn_resolve "$tmp"
	fi
	pom_hash >"$tmp/.resolved-from"
	# Swap in the complete directory only, so an interrupted download is never used.
	rm -rf "$KAFKA_LIB"
	mv "$tmp" "$KAFKA_LIB"
	log "kafka: $(find "$KAFKA_LIB" -name '*.jar' | wc -l) jars in $(elapsed "$start")s"
}

# Regenerates jars.lock from pom.xml with Maven: run after changing pom.xml.
cmd_lock() {
	local tmp lock="$KAFKA_SRC/jars.lock"
	tmp="$(mktemp -d)"
	mvn_resolve "$tmp" true
	{
		echo "# The runtime jars of pom.xml as Maven resolves them (scripts/services/kafka.sh lock)."
		echo "# kafka.sh install downloads exactly these from Maven Central and checks the sums."
		echo "# pom-sha256 $(pom_hash)"
		(cd "$tmp" && find . -name '*.jar' | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum)
	} >"$lock"
	rm -rf "$tmp"
	log "kafka: wrote $lock ($(grep -vc '^#' "$lock") jars)"
}

write_conf() {
	# Rewritten on every start so that changed ports take effect. The controller quorum
	# is static (controller.quorum.voters): storage is formatted with a cluster id only,
	# and nothing about the ports is written into the metadata log, so AURUM_KAFKA_*
	# ports can change between runs. (A dynamic quorum, `format --standalone` with
	# controller.quorum.bootstrap.servers, records the controller endpoint in the log.)
	cat >"$KAFKA_CONF" <<EOF
# Generated by scripts/services/kafka.sh; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$AURUM_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$AURUM_KAFKA_PORT,CONTROLLER://127.0.0.1:$AURUM_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$AURUM_KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

java_cmd() {
	printf '%s\n' java -Xmx512m -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$KAFKA_SRC/log4j2.properties" -Dkafka.logs.dir="$LOG_DIR" \
		-cp "$KAFKA_LIB/*"
}

format_storage() {
	[[ -f $KAFKA_DATA/meta.properties ]] && return 0
	local cluster_id
	if [[ -s $KAFKA_HOME/cluster.id ]]; then
		cluster_id="$(<"$KAFKA_HOME/cluster.id")"
	else
		# A Kafka Uuid: 16 random bytes, URL-safe base64 without padding; Kafka's own
		# generator never starts one with '-' (it would read as a command-line flag).
		cluster_id=-
		while [[ $cluster_id == -* ]]; do
			cluster_id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
		done
		echo "$cluster_id" >"$KAFKA_HOME/cluster.id"
	fi
	log "kafka: formatting $KAFKA_DATA (cluster id $cluster_id)"
	local cmd
	mapfile -t cmd < <(java_cmd)
	# A short-lived tool: the C1-only JIT and the serial GC start it ~1 s faster.
	"${cmd[@]}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
		kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONF" \
		>>"$KAFKA_STDOUT" 2>&1 || die "formatting Kafka storage failed; see $KAFKA_STDOUT"
}

# Readiness is a real metadata request (kafka_ready.py, confluent-kafka from the
# project's .venv). Without that venv (up.sh run before `uv sync`) we fall back to
# the broker's own "Kafka Server started" line, written after byte LOG_OFFSET of the
# log (earlier runs wrote it too), plus an open port.
wait_ready() {
	local pid="$1" log_offset="${2:-0}" python=""
	if [[ -x $REPO_ROOT/.venv/bin/python ]] &&
		"$REPO_ROOT/.venv/bin/python" -c 'import confluent_kafka' 2>/dev/null; then
		python="$REPO_ROOT/.venv/bin/python"
	fi
	if [[ -n $python ]]; then
		local rc=0
		"$python" "$SERVICES_DIR/kafka_ready.py" "$BOOTSTRAP" "$AURUM_SERVICES_TIMEOUT" "$pid" || rc=$?
		case $rc in
		0) return 0 ;;
		2) die "kafka exited while starting; see $KAFKA_LOG and $KAFKA_STDOUT" ;;
		*) die "kafka did not answer a metadata request within ${AURUM_SERVICES_TIMEOUT}s; see $KAFKA_LOG" ;;
		esac
	fi
	log "kafka: no .venv with confluent-kafka; readiness = log line + open port"
	wait_until "$AURUM_SERVICES_TIMEOUT" "kafka on $BOOTSTRAP" bash -c \
		"kill -0 $pid && tail -c +$((log_offset + 1)) '$KAFKA_LOG' | grep -q 'Kafka Server started' && (exec 3<>/dev/tcp/127.0.0.1/$AURUM_KAFKA_PORT)" 2>/dev/null ||
		die "kafka is not ready; see $KAFKA_LOG and $KAFKA_STDOUT"
}

cmd_up() {
	cmd_install
	mkdir -p "$KAFKA_HOME" "$LOG_DIR"
	if pid_alive "$KAFKA_PID" "$MARKER"; then
		if ! grep -qF "PLAINTEXT://$BOOTSTRAP," "$KAFKA_CONF"; then
			die "kafka is already running with other ports (see $KAFKA_CONF); run down.sh kafka first"
		fi
		log "kafka: already running ($BOOTSTRAP)"
		wait_ready "$(<"$KAFKA_PID")"
		return 0
	fi
	local port
	for port in "$AURUM_KAFKA_PORT" "$AURUM_KAFKA_CONTROLLER_PORT"; do
		if port_open "$port"; then
			die "port $port is taken by $(port_owner "$port"); set AURUM_KAFKA_PORT / AURUM_KAFKA_CONTROLLER_PORT"
		fi
	done
	write_conf
	format_storage
	local cmd pid log_offset
	log_offset="$(stat -c %s "$KAFKA_LOG" 2>/dev/null || echo 0)"
	mapfile -t cmd < <(java_cmd)
	# setsid: the broker must outlive this script and its terminal or make's process group.
	(close_extra_fds && exec setsid "${cmd[@]}" kafka.Kafka "$KAFKA_CONF") \
		>>"$KAFKA_STDOUT" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$KAFKA_PID"
	wait_ready "$pid" "$log_offset"
	log "kafka: ready at $BOOTSTRAP (log: $KAFKA_LOG)"
}

cmd_down() {
	if pid_alive "$KAFKA_PID" "$MARKER"; then
		# SIGTERM runs the broker's controlled shutdown (a few seconds on one node).
		stop_pid "$KAFKA_PID" "$MARKER" kafka
		log "kafka: stopped"
	else
		rm -f "$KAFKA_PID"
		log "kafka: not running"
	fi
}

cmd_status() {
	if pid_alive "$KAFKA_PID" "$MARKER" && port_open "$AURUM_KAFKA_PORT"; then
		echo "kafka     up    $BOOTSTRAP  pid $(<"$KAFKA_PID")  log $KAFKA_LOG"
	else
		echo "kafka     down  $BOOTSTRAP  log $KAFKA_LOG"
		return 3
	fi
}

case "${1:-}" in
debs | install | lock | up | down | status) "cmd_$1" ;;
*) die "usage: $0 debs|install|lock|up|down|status" ;;
esac
