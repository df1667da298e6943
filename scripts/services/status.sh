#!/usr/bin/env bash
# Show whether Aurum's local services (default: all) are up, with port, pid and log.
#
#   scripts/services/status.sh [postgres|redis|kafka ...]
#
# Exit status 0 when every named service is up, 3 otherwise.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

parse_services "$@"
rc=0
for s in "${SERVICES[@]}"; do
	"$SERVICES_DIR/$s.sh" status || rc=3
done
exit "$rc"
