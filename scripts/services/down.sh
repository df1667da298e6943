#!/usr/bin/env bash
# Stop Aurum's local services (default: all). A service that is not running is skipped.
#
#   scripts/services/down.sh [postgres|redis|kafka ...]
#
# State in var/ is kept; `rm -rf var` after down.sh starts from scratch.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

parse_services "$@"
take_lock
rc=0
for s in "${SERVICES[@]}"; do
	"$SERVICES_DIR/$s.sh" down 2> >(sed -u "s/^/[$s] /" >&2) || rc=1
done
exit "$rc"
