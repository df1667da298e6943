"""Superset configuration for Aurum's local ops dashboard (read through SUPERSET_CONFIG_PATH).

Everything machine-specific comes from the environment that scripts/services/superset.sh
and aurum.ops.stack set: the metadata SQLite file, the secret key, the port.
"""

import os

SECRET_KEY = os.environ["AURUM_SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.environ["AURUM_SUPERSET_METADATA_DB"]
# No Redis or Celery: caching in the web process, no async queries, no thumbnails.
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 60}
DATA_CACHE_CONFIG = CACHE_CONFIG
FILTER_STATE_CACHE_CONFIG = CACHE_CONFIG
EXPLORE_FORM_DATA_CACHE_CONFIG = CACHE_CONFIG
FEATURE_FLAGS = {"DASHBOARD_RBAC": False, "THUMBNAILS": False, "ALERT_REPORTS": False}
# Local only: the app is served on 127.0.0.1 over plain HTTP.
TALISMAN_ENABLED = False
WTF_CSRF_ENABLED = False
SESSION_COOKIE_SECURE = False
# Telemetry and external lookups would try to reach the internet.
SCARF_ANALYTICS = False
