"""The bottom layer every publisher builds on: records, formats and their signatures,
the endpoint catalog's entry type, safe archives, and the vocabulary registry."""
