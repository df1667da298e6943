"""Placeholder until this ISO's decoders land."""

FORMATS = ()
