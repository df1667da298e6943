#!/usr/bin/env bash
# Apache Airflow 3.3 for the DAGs in orchestration/, in its own locked environment.
#
#   scripts/services/airflow.sh install|init|up|down|status|run ARGS...|python ARGS...|login|chromium
#
# install  uv sync of orchestration/env (its own uv.lock: Airflow, cosmos, the OpenLineage
#          provider and this checkout's aurum, editable) into .cache/airflow/venv, with
#          byte-code compiled (imports stay fast where PYTHONDONTWRITEBYTECODE is set)
# init     install; `dbt parse` for the cosmos DAG's manifest when the dbt project changed;
#          create the metadata database in the local PostgreSQL (which must be up) and
#          `airflow db migrate` (skipped when already at the head)
# up       init, then the API server / UI on 127.0.0.1:$AURUM_AIRFLOW_PORT, the scheduler
#          (LocalExecutor), the DAG processor and the triggerer, in the background;
#          waits for /api/v2/monitor/health and prints how to log in
# down     stops what `up` started (SIGTERM, then SIGKILL after AURUM_SERVICES_TIMEOUT)
# run      any `airflow` command with this environment (e.g. run dags test ingest_nyiso_pal)
# python   the Airflow environment's Python with the same configuration (tests use it)
# login    prints the UI address, user and password
# chromium installs Debian's chromium if missing (the UI screenshot test) and prints its path
#
# Environment: AURUM_AIRFLOW_PORT (58380), AURUM_AIRFLOW_HOME (var/airflow),
# AURUM_AIRFLOW_DB (airflow: the database in the local PostgreSQL),
# AURUM_AIRFLOW_SQL_ALCHEMY_CONN (default: that database; point it at an existing
# metadata database instead), AURUM_AIRFLOW_USER (admin), AURUM_PG_PORT (55432),
# AURUM_OPENLINEAGE_FILE (OpenLineage events of every task appended there, the same file
# transport the scenario worker uses; unset: OpenLineage off).
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${AURUM_AIRFLOW_PORT:=58380}"
: "${AURUM_AIRFLOW_HOME:=$VAR_DIR/airflow}"
: "${AURUM_AIRFLOW_DB:=airflow}"
: "${AURUM_AIRFLOW_SQL_ALCHEMY_CONN:=postgresql+psycopg2://aurum@127.0.0.1:$AURUM_PG_PORT/$AURUM_AIRFLOW_DB}"
: "${AURUM_AIRFLOW_USER:=admin}"
: "${AURUM_AIRFLOW_TIMEOUT:=180}"

ENV_PROJECT="$REPO_ROOT/orchestration/env"
VENV="$CACHE_DIR/airflow/venv"
AIRFLOW="$VENV/bin/airflow"
UV="$CACHE_DIR/bootstrap/bin/uv"
STAMP="$VENV/.synced-from"
# The dbt manifest the cosmos DAG renders from (parsing it is instant; `dbt ls` at every
# DAG parse would take longer than Airflow's import timeout). Under AURUM_DBT_WORK_DIR, like
# the other long-lived dbt users; aurum_dbt_marts.py reads it from the same place.
DBT_TARGET_DIR="${AURUM_DBT_WORK_DIR:-$CACHE_DIR/dbt-services}/airflow/target"
[[ $DBT_TARGET_DIR == /* ]] || DBT_TARGET_DIR="$REPO_ROOT/$DBT_TARGET_DIR"
DBT_SOURCES=(dbt_project.yml profiles.yml models macros seeds snapshots tests/dbt analyses)
RUN_DIR="$AURUM_AIRFLOW_HOME/run"
COMPONENTS=(api-server scheduler dag-processor triggerer)

lock_hash() { cat "$ENV_PROJECT/uv.lock" "$ENV_PROJECT/pyproject.toml" "$REPO_ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1; }

cmd_install() {
	[[ -x $UV ]] || die "no uv at $UV: run make setup first"
	if [[ -x $AIRFLOW && -f $STAMP && "$(<"$STAMP")" == "$(lock_hash)" ]]; then
		return 0
	fi
	local t
	t="$(now)"
	log "airflow: installing orchestration/env/uv.lock into $VENV"
	UV_PROJECT_ENVIRONMENT="$VENV" "$UV" sync --frozen --quiet --compile-bytecode \
		--project "$ENV_PROJECT"
	lock_hash >"$STAMP"
	log "airflow: installed in $(elapsed "$t")s"
}

# The configuration, in one place: every AIRFLOW__ variable the components and the CLI use.
airflow_env() {
	export AIRFLOW_HOME="$AURUM_AIRFLOW_HOME"
	export AIRFLOW__CORE__DAGS_FOLDER="$REPO_ROOT/orchestration"
	export AIRFLOW__CORE__LOAD_EXAMPLES=False
	export AIRFLOW__CORE__EXECUTOR=LocalExecutor
	export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
	export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="$AURUM_AIRFLOW_SQL_ALCHEMY_CONN"
	export AIRFLOW__API__HOST=127.0.0.1
	export AIRFLOW__API__PORT="$AURUM_AIRFLOW_PORT"
	export AIRFLOW__API__BASE_URL="http://127.0.0.1:$AURUM_AIRFLOW_PORT"
	export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$AURUM_AIRFLOW_PORT/execution/"
	export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="$AURUM_AIRFLOW_USER:admin"
	export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$AURUM_AIRFLOW_HOME/passwords.json"
	export AIRFLOW__LOGGING__BASE_LOG_FOLDER="$AURUM_AIRFLOW_HOME/logs"
	export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="${AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL:-30}"
	mkdir -p "$AURUM_AIRFLOW_HOME"
	# The API server signs the tokens tasks use against the execution API; the scheduler
	# and the API server must share the secret, so it is kept with the home.
	if [[ ! -s $AURUM_AIRFLOW_HOME/jwt_secret ]]; then
		(umask 077 && head -c 32 /dev/urandom | base64 >"$AURUM_AIRFLOW_HOME/jwt_secret")
	fi
	AIRFLOW__API_AUTH__JWT_SECRET="$(<"$AURUM_AIRFLOW_HOME/jwt_secret")"
	export AIRFLOW__API_AUTH__JWT_SECRET
	if [[ -n ${AURUM_OPENLINEAGE_FILE:-} ]]; then
		export AIRFLOW__OPENLINEAGE__TRANSPORT="{\"type\": \"file\", \"log_file_path\": \"$AURUM_OPENLINEAGE_FILE\", \"append\": true}"
		export AIRFLOW__OPENLINEAGE__NAMESPACE="${AURUM_OPENLINEAGE_NAMESPACE:-aurum}"
	else
		export AIRFLOW__OPENLINEAGE__DISABLED=True
	fi
	# dbt (cosmos and the scenario executor) finds the repository's profiles.yml. The dbt
	# project is the repository root: where cosmos hashes the project for its caches, the
	# folders that are not dbt's (a 600 MB venv among them) stay out of the hash.
	export DBT_PROFILES_DIR="$REPO_ROOT"
	# No usage telemetry leaves the machine (cosmos reports to Scarf, dbt to its tracker).
	export AIRFLOW__COSMOS__ENABLE_TELEMETRY=False DO_NOT_TRACK=true SCARF_ANALYTICS=false
	export DBT_SEND_ANONYMOUS_USAGE_STATS=False
	export AIRFLOW__COSMOS__CACHE_DIR="$AURUM_AIRFLOW_HOME/cosmos"
	export AIRFLOW__COSMOS__PROJECT_HASH_EXCLUDED_DIRS=".venv,.cache,var,data,src,scripts,docs,orchestration,sample_data,benchmarks,api,examples,schemas,postgres,ingest,.ruff_cache,.pytest_cache,__pycache__"
	export PATH="$VENV/bin:$PATH"
	cd "$REPO_ROOT"
}

psql_() {
	local bin
	bin="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/psql' 2>/dev/null | sort -V | tail -1)"
	[[ -n $bin ]] || die "no psql under /usr/lib/postgresql (scripts/services/postgres.sh install)"
	"$bin" -h 127.0.0.1 -p "$AURUM_PG_PORT" -U aurum -XtAq "$@"
}

cmd_init() {
	cmd_install
	airflow_env
	dbt_manifest
	local default_conn="postgresql+psycopg2://aurum@127.0.0.1:$AURUM_PG_PORT/$AURUM_AIRFLOW_DB"
	local migrated="$AURUM_AIRFLOW_HOME/.migrated"
	if [[ $AURUM_AIRFLOW_SQL_ALCHEMY_CONN == "$default_conn" ]]; then
		port_open "$AURUM_PG_PORT" || die "PostgreSQL is not up on $AURUM_PG_PORT: run make up"
		if [[ -z "$(psql_ -d postgres -c "select 1 from pg_database where datname = '$AURUM_AIRFLOW_DB'")" ]]; then
			psql_ -d postgres -c "create database \"$AURUM_AIRFLOW_DB\" owner aurum"
			rm -f "$migrated"
		fi
		# At the head already (same revision as the last migrate of this venv): skip.
		local head
		head="$(psql_ -d "$AURUM_AIRFLOW_DB" -c 'select version_num from alembic_version' 2>/dev/null || true)"
		if [[ -n $head && -f $migrated && "$(<"$migrated")" == "$head $(<"$STAMP")" ]]; then
			return 0
		fi
	fi
	local t
	t="$(now)"
	"$AIRFLOW" db migrate >>"$LOG_DIR/airflow-migrate.log" 2>&1 ||
		die "airflow db migrate failed; see $LOG_DIR/airflow-migrate.log"
	if [[ $AURUM_AIRFLOW_SQL_ALCHEMY_CONN == "$default_conn" ]]; then
		echo "$(psql_ -d "$AURUM_AIRFLOW_DB" -c 'select version_num from alembic_version') $(<"$STAMP")" >"$migrated"
	fi
	log "airflow: metadata database migrated in $(elapsed "$t")s"
}

dbt_hash() {
	(cd "$REPO_ROOT" && find "${DBT_SOURCES[@]}" -type f -print0 2>/dev/null | sort -z |
		xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# dbt parse when the project's files changed since the last manifest.
dbt_manifest() {
	local stamp="$DBT_TARGET_DIR/.parsed-from" t
	if [[ -f $DBT_TARGET_DIR/manifest.json && -f $stamp && "$(<"$stamp")" == "$(dbt_hash)" ]]; then
		return 0
	fi
	t="$(now)"
	mkdir -p "$DBT_TARGET_DIR"
	"$VENV/bin/dbt" parse --quiet --project-dir "$REPO_ROOT" --profiles-dir "$REPO_ROOT" \
		--target-path "$DBT_TARGET_DIR" --log-path "$DBT_TARGET_DIR/../logs" ||
		die "dbt parse failed (the cosmos DAG renders from its manifest)"
	dbt_hash >"$stamp"
	log "airflow: dbt manifest for the cosmos DAG parsed in $(elapsed "$t")s"
}

pidfile() { echo "$RUN_DIR/$1.pid"; }

health() {
	curl -fsS "http://127.0.0.1:$AURUM_AIRFLOW_PORT/api/v2/monitor/health" >/dev/null 2>&1
}

cmd_login() {
	local password
	password="$(sed -n 's/.*"'"$AURUM_AIRFLOW_USER"'": *"\([^"]*\)".*/\1/p' \
		"$AURUM_AIRFLOW_HOME/passwords.json" 2>/dev/null || true)"
	echo "Airflow UI:  http://127.0.0.1:$AURUM_AIRFLOW_PORT"
	echo "log in as:   $AURUM_AIRFLOW_USER / ${password:-<see $AURUM_AIRFLOW_HOME/passwords.json>}"
	echo "(password file: $AURUM_AIRFLOW_HOME/passwords.json; stop with make airflow-down)"
}

cmd_up() {
	mkdir -p "$LOG_DIR"
	cmd_init
	command -v curl >/dev/null || ensure_debs curl
	mkdir -p "$RUN_DIR"
	local c started=0
	for c in "${COMPONENTS[@]}"; do
		if pid_alive "$(pidfile "$c")" "airflow $c"; then
			continue
		fi
		if [[ $c == api-server ]] && port_open "$AURUM_AIRFLOW_PORT"; then
			die "port $AURUM_AIRFLOW_PORT is taken by $(port_owner "$AURUM_AIRFLOW_PORT"); set AURUM_AIRFLOW_PORT"
		fi
		# setsid: the components outlive this script and make's process group.
		(close_extra_fds && exec setsid "$AIRFLOW" "$c") >>"$LOG_DIR/airflow-$c.log" 2>&1 &
		echo $! >"$(pidfile "$c")"
		started=1
	done
	((started)) || log "airflow: already running"
	wait_until "$AURUM_AIRFLOW_TIMEOUT" "the Airflow API server on 127.0.0.1:$AURUM_AIRFLOW_PORT" health ||
		die "Airflow did not become healthy; see $LOG_DIR/airflow-api-server.log"
	wait_until 60 "the password file" test -s "$AURUM_AIRFLOW_HOME/passwords.json" || true
	log "airflow: up (logs: $LOG_DIR/airflow-*.log)"
	cmd_login
}

cmd_down() {
	local c
	for c in "${COMPONENTS[@]}"; do
		stop_pid "$(pidfile "$c")" "airflow $c" "airflow $c"
	done
	log "airflow: stopped"
}

cmd_status() {
	local c rc=0
	for c in "${COMPONENTS[@]}"; do
		if pid_alive "$(pidfile "$c")" "airflow $c"; then
			echo "airflow $c  up    pid $(<"$(pidfile "$c")")  log $LOG_DIR/airflow-$c.log"
		else
			echo "airflow $c  down  log $LOG_DIR/airflow-$c.log"
			rc=3
		fi
	done
	return "$rc"
}

# Headless Chromium (Debian's) for the tests that look at the UI; prints its path.
cmd_chromium() {
	ensure_debs chromium
	command -v chromium
}

case "${1:-}" in
install | init | up | down | status | chromium) "cmd_$1" ;;
login)
	airflow_env
	cmd_login
	;;
run | python)
	command="$1"
	shift
	cmd_install
	airflow_env
	[[ $command == run ]] && exec "$AIRFLOW" "$@"
	exec "$VENV/bin/python" "$@"
	;;
*) die "usage: $0 install|init|up|down|status|run ARGS...|python ARGS...|login|chromium" ;;
esac
