#!/usr/bin/env bash
# Start Aurum's local services (default: all), installing what is missing first.
#
#   scripts/services/up.sh [postgres|redis|kafka ...]
#
# Idempotent: a running service is left alone. Missing Debian packages are installed
# in one apt-get run, then the services start in parallel. Each waits for readiness
# (bounded by AURUM_SERVICES_TIMEOUT, default 90 s). Exit status 1 if any failed.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

parse_services "$@"
take_lock
t0="$(now)"
mkdir -p "$LOG_DIR"

declare -A jobs=()
start_bg() {
	local s="$1"
	(
		t="$(now)"
		if "$SERVICES_DIR/$s.sh" up 2> >(sed -u "s/^/[$s] /" >&2); then
			log "[$s] up in $(elapsed "$t")s"
		else
			log "[$s] FAILED after $(elapsed "$t")s"
			exit 1
		fi
	) &
	jobs[$s]=$!
}

want() { [[ " ${SERVICES[*]} " == *" $1 "* ]]; }

# One apt-get run for everything missing (nothing, once installed) rather than several
# competing for the dpkg lock; then the services start in parallel.
debs=()
want postgres && debs+=(postgresql)
want redis && debs+=(redis-server)
want kafka && mapfile -t -O "${#debs[@]}" debs < <("$SERVICES_DIR/kafka.sh" debs)
((${#debs[@]})) && ensure_debs "${debs[@]}"
for s in "${SERVICES[@]}"; do start_bg "$s"; done

failed=()
for s in "${SERVICES[@]}"; do
	wait "${jobs[$s]}" || failed+=("$s")
done
log "services: ${SERVICES[*]} in $(elapsed "$t0")s total"
"$SERVICES_DIR/status.sh" "${SERVICES[@]}" || true
if ((${#failed[@]})); then
	die "failed to start: ${failed[*]} (logs in $LOG_DIR)"
fi
