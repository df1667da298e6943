#!/usr/bin/env bash
# Superset 6.1 for the ops dashboard, in its own locked environment.
#
#   scripts/services/superset.sh install
#
# Installs ops/superset/uv.lock into .cache/superset/venv (Superset pins SQLAlchemy 1.4,
# so it cannot share the project's .venv) and builds an initialised metadata database
# (SQLite: schema migrations, roles and permissions, one admin user) once per lock and
# config, as .cache/superset/metadata-<hash>.db. Both are git-ignored caches: a fresh
# Superset is a copy of that file (aurum.ops.superset), seconds instead of minutes.
# The admin password is generated once into .cache/superset/admin-password (mode 600).
#
# Starting, stopping and importing the dashboard: aurum.ops.stack / aurum.ops.superset.
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SUPERSET_SRC="$REPO_ROOT/ops/superset"
SUPERSET_CACHE="$CACHE_DIR/superset"
SUPERSET_VENV="$SUPERSET_CACHE/venv"
UV="$CACHE_DIR/bootstrap/bin/uv"

lock_hash() { cat "$SUPERSET_SRC/uv.lock" "$SUPERSET_SRC/superset_config.py" | sha256sum | cut -c1-16; }

cmd_install() {
	[[ -x $UV ]] || die "uv is missing ($UV): run make setup first"
	mkdir -p "$SUPERSET_CACHE"
	local hash stamp template
	hash="$(lock_hash)"
	stamp="$SUPERSET_VENV/.synced-$(sha256sum "$SUPERSET_SRC/uv.lock" | cut -c1-16)"
	if [[ ! -f $stamp ]]; then
		local t0
		t0="$(now)"
		log "superset: installing ops/superset/uv.lock into $SUPERSET_VENV"
		(cd "$SUPERSET_SRC" && UV_PROJECT_ENVIRONMENT="$SUPERSET_VENV" "$UV" sync --frozen --quiet)
		rm -f "$SUPERSET_VENV"/.synced-*
		touch "$stamp"
		log "superset: environment installed in $(elapsed "$t0")s"
	fi
	template="$SUPERSET_CACHE/metadata-$hash.db"
	if [[ ! -f $template ]]; then
		local t0 work
		t0="$(now)"
		[[ -s $SUPERSET_CACHE/admin-password ]] ||
			(umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$SUPERSET_CACHE/admin-password")
		work="$(mktemp -d "$SUPERSET_CACHE/build.XXXXXX")"
		log "superset: building the metadata template (schema migrations, roles; a few minutes once)"
		export SUPERSET_CONFIG_PATH="$SUPERSET_SRC/superset_config.py"
		export AURUM_SUPERSET_METADATA_DB="$work/superset.db"
		AURUM_SUPERSET_SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
		export AURUM_SUPERSET_SECRET_KEY
		(
			cd "$work"
			"$SUPERSET_VENV/bin/superset" db upgrade
			"$SUPERSET_VENV/bin/superset" fab create-admin --username admin --firstname Aurum \
				--lastname Ops --email ops@aurum.invalid --password "$(<"$SUPERSET_CACHE/admin-password")"
			"$SUPERSET_VENV/bin/superset" init
		) >"$work/build.log" 2>&1 || die "superset metadata build failed; see $work/build.log"
		rm -f "$SUPERSET_CACHE"/metadata-*.db
		mv "$work/superset.db" "$template"
		rm -rf "$work"
		log "superset: metadata template built in $(elapsed "$t0")s"
	fi
	echo "$template"
}

case "${1:-}" in
install) cmd_install ;;
*) die "usage: $0 install" ;;
esac
