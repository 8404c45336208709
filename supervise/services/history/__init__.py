"""A case's permanent history: how each step is written (``store``)."""
