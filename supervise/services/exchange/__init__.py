"""Bulk exchange with spreadsheets: streamed exports and validated, all-or-nothing imports."""
