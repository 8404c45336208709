"""Core-only reads for the read commands (see store.py)."""
