"""Iceberg as the production landing and mart store: the Kafka → Iceberg lander, the
catalog Trino shares, and table maintenance (docs/scale.md)."""
