"""The bureau's reports: figures from SQL aggregates, never a row per case in Python."""
