#!/usr/bin/env bash
# Install what the ops stack needs (default: everything); idempotent and quick when done.
#
#   scripts/ops/install.sh [clickhouse|prometheus|chromium|superset ...]
#
#   clickhouse  Debian clickhouse-server (18.16) and curl
#   prometheus  Debian prometheus, prometheus-alertmanager, prometheus-pushgateway
#               (promtool and amtool come with them)
#   chromium    Debian chromium and chromium-driver (dashboard screenshots and checks)
#   superset    Superset's own locked environment (ops/superset/uv.lock) in
#               .cache/superset/venv and an initialised metadata template
#               (scripts/services/superset.sh install)
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../services/lib.sh"

(($#)) || set -- clickhouse prometheus chromium superset
debs=()
for part in "$@"; do
	case "$part" in
	clickhouse) debs+=(clickhouse-server curl) ;;
	prometheus) debs+=(prometheus prometheus-alertmanager prometheus-pushgateway) ;;
	chromium) debs+=(chromium chromium-driver) ;;
	superset) ;;
	*) die "unknown part '$part' (expected: clickhouse prometheus chromium superset)" ;;
	esac
done
((${#debs[@]})) && ensure_debs "${debs[@]}"
# Debian's packages start their system services where an init system runs them; ours
# are private processes (var/), so the system ones are left alone, never used.
for part in "$@"; do
	[[ $part == superset ]] && "$SERVICES_DIR/superset.sh" install >/dev/null
done
exit 0
