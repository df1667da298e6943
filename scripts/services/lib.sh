# Shared helpers for scripts/services/*.sh. Sourced, never run.
# shellcheck shell=bash disable=SC2034  # variables here are used by the sourcing scripts
#
# Every service keeps its state in var/<service>/ and its log in var/log/, both under
# the repository root and git-ignored; downloads are cached in .cache/.

SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SERVICES_DIR/../.." && pwd)"
VAR_DIR="$REPO_ROOT/var"
LOG_DIR="$VAR_DIR/log"
CACHE_DIR="$REPO_ROOT/.cache"

# The service interface (docs/services.md). Everything listens on loopback only.
: "${AURUM_PG_PORT:=55432}"
: "${AURUM_REDIS_PORT:=56379}"
: "${AURUM_KAFKA_PORT:=59092}"
: "${AURUM_KAFKA_CONTROLLER_PORT:=59093}"
# Upper bound, in seconds, on waiting for a service to become ready or to stop.
: "${AURUM_SERVICES_TIMEOUT:=90}"

ALL_SERVICES=(postgres redis kafka)

log() { printf '%s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

now() { date +%s.%N; }
# elapsed START -> seconds since START with one decimal
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

# parse_services NAME... -> sets SERVICES to the names given (validated), or all.
parse_services() {
	local s k known
	SERVICES=()
	(($#)) || set -- "${ALL_SERVICES[@]}"
	for s in "$@"; do
		known=0
		for k in "${ALL_SERVICES[@]}"; do [[ $s == "$k" ]] && known=1; done
		((known)) || die "unknown service '$s' (expected: ${ALL_SERVICES[*]})"
		SERVICES+=("$s")
	done
}

# port_open PORT -> true when something accepts TCP connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Which process listens on a port, for error messages ("pid 123 (redis-server)").
port_owner() {
	local pid
	pid="$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)"
	if [[ -n $pid ]]; then
		printf 'pid %s (%s)' "$pid" "$(tr -s '\0 ' ' ' <"/proc/$pid/cmdline" 2>/dev/null | sed 's/ *$//' | cut -c1-120)"
	else
		printf 'an unknown process'
	fi
}

# pid_alive PIDFILE MARKER -> true when PIDFILE names a live process whose command
# line contains MARKER (guards against a stale pid file whose pid was reused).
pid_alive() {
	local pidfile="$1" marker="$2" pid
	[[ -s $pidfile ]] || return 1
	pid="$(<"$pidfile")"
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

# Serialises up.sh and down.sh runs of one checkout (say, `make test` and `make up` at
# once), which would otherwise both try to start the same service. The lock is fd 9;
# daemons do not inherit it (close_extra_fds), so it is released when the script exits.
take_lock() {
	mkdir -p "$VAR_DIR"
	exec 9>"$VAR_DIR/.services.lock"
	flock -w "$AURUM_SERVICES_TIMEOUT" 9 ||
		die "another up.sh/down.sh holds $VAR_DIR/.services.lock"
}

# Closes every inherited file descriptor above 2 in the calling (sub)shell. A daemon
# must not keep, say, the pipe of `up.sh | tee` or of up.sh's log prefixer open: the
# reader would wait for EOF for as long as the service runs.
close_extra_fds() {
	local fd
	for fd in /proc/"$BASHPID"/fd/*; do
		fd="${fd##*/}"
		if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
	done
}

# wait_until TIMEOUT DESCRIPTION COMMAND... -> polls COMMAND every 0.2 s
wait_until() {
	local timeout="$1" what="$2" deadline
	shift 2
	deadline=$(($(date +%s) + timeout))
	until "$@"; do
		if (($(date +%s) >= deadline)); then
			log "timed out after ${timeout}s waiting for $what"
			return 1
		fi
		sleep 0.2
	done
}

# stop_pid PIDFILE MARKER NAME -> SIGTERM, wait up to the timeout, then SIGKILL.
stop_pid() {
	local pidfile="$1" marker="$2" name="$3" pid
	pid_alive "$pidfile" "$marker" || {
		rm -f "$pidfile"
		return 0
	}
	pid="$(<"$pidfile")"
	kill -TERM "$pid"
	if ! wait_until "$AURUM_SERVICES_TIMEOUT" "$name (pid $pid) to stop" \
		bash -c "! kill -0 $pid 2>/dev/null"; then
		log "$name did not stop on SIGTERM; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		wait_until 10 "$name (pid $pid) to die" bash -c "! kill -0 $pid 2>/dev/null"
	fi
	rm -f "$pidfile"
}

# --- Debian packages -------------------------------------------------------------

deb_installed() {
	[[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# ensure_debs PKG... -> installs the missing ones with one apt-get call. apt-get update
# runs only when a package has no install candidate (it costs time and is usually not
# needed). The lock timeout lets this wait for another apt/dpkg run instead of failing.
ensure_debs() {
	local missing=() p
	for p in "$@"; do deb_installed "$p" || missing+=("$p"); done
	((${#missing[@]})) || return 0
	if ((EUID != 0)); then
		die "missing Debian packages: ${missing[*]} — install them as root (apt-get install ${missing[*]})"
	fi
	local apt=(apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0 -y -q)
	for p in "${missing[@]}"; do
		if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
			log "apt: '$p' has no install candidate; running apt-get update"
			"${apt[@]}" update >&2
			break
		fi
	done
	log "apt: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "${missing[@]}" >&2
}
