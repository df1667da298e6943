#!/usr/bin/env bash
# `make serve`: the scenario service on this machine — migrations, the worker and the API
# (http://127.0.0.1:${AURUM_API_PORT:-8000}) on the warehouse `make demo` built.
#
# Without AURUM_JWT_SECRET a development secret is generated once into var/dev-jwt-secret
# (mode 600) and a bearer token for tenant `demo` is printed. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=.venv/bin

if [[ ! -f "${AURUM_DUCKDB_PATH:-data/aurum.duckdb}" ]]; then
	echo "no warehouse at ${AURUM_DUCKDB_PATH:-data/aurum.duckdb}: run make demo first" >&2
	exit 1
fi
if [[ -z "${AURUM_JWT_SECRET:-}" && -z "${AURUM_JWT_PUBLIC_KEY:-}" ]]; then
	mkdir -p var
	[[ -f var/dev-jwt-secret ]] || (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))' >var/dev-jwt-secret)
	AURUM_JWT_SECRET="$(cat var/dev-jwt-secret)"
	export AURUM_JWT_SECRET
fi

"$BIN/python" -m aurum.db.migrations
"$BIN/aurum-worker" &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT

if [[ -n "${AURUM_JWT_SECRET:-}" ]]; then
	echo "token for tenant demo (1 h): $("$BIN/aurum-token" --tenant demo --ttl 3600)" >&2
fi
"$BIN/aurum-api" --port "${AURUM_API_PORT:-8000}"
