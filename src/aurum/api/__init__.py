"""The REST API: /v1/scenarios…, /v1/ppa/valuate, /health, /metrics (see docs/api.md)."""
