# Data-quality reports (docs/data-quality.md): dbt hub packages, the reports environment,
# `make report`. Included from the Makefile.
#
# dbt packages: from the hub, else from the mirror AURUM_DBT_PACKAGES_MIRROR names (default:
# shared/dbt-packages beside the checkout, or /work/shared/dbt-packages), else Elementary is
# off and dbt runs without it. `setup` depends on it, so every dbt call finds its packages.
REPORTS_ENV      := envs/reports
REPORTS_VENV     := .cache/reports-venv
EDR_PACKAGES     := .cache/edr-dbt-packages
DBT_PACKAGES_CLI := $(BIN)/python -m aurum.quality.dbt_packages
# true or false for `--vars "{aurum_elementary: …}"`: is the Elementary package installed?
ELEMENTARY_ON     = $$($(DBT_PACKAGES_CLI) switch)

.PHONY: dbt-packages reports-setup report

setup: dbt-packages

dbt-packages: $(VENV)/.synced
	$(DBT_PACKAGES_CLI) install --edr-packages $(EDR_PACKAGES)

# edr and great-expectations live in a second locked environment (envs/reports/uv.lock).
$(REPORTS_VENV)/.synced: $(UV) $(REPORTS_ENV)/uv.lock $(REPORTS_ENV)/pyproject.toml
	UV_PROJECT_ENVIRONMENT=$(CURDIR)/$(REPORTS_VENV) $(UV) sync --frozen --quiet --project $(REPORTS_ENV)
	touch $@

reports-setup: $(REPORTS_VENV)/.synced setup

# The tests in tests/reports/ drive edr, great-expectations and Chromium.
test: reports-setup

report: reports-setup
	@test -f $(DEMO_DB) || { echo "no $(DEMO_DB): run make demo first"; exit 1; }
	$(BIN)/python -m aurum.quality.report --database $(DEMO_DB)
