#!/usr/bin/env bash
# `make ops-down`: stop the ops stack (state in var/ops and var/clickhouse is kept).
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../services/lib.sh"
cd "$REPO_ROOT"
"$REPO_ROOT/.venv/bin/python" -m aurum.ops.stack down
"$SERVICES_DIR/clickhouse.sh" down
