"""SeaTunnel job templates: rendering with strict variable checking (see render.py)."""
