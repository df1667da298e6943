"""Kafka topics, Avro schemas and the producer/consumer plumbing of the ingestion path."""
