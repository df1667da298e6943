"""Ingestion: decoders for public source formats and the landing writer."""
