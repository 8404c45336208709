"""Leadership cases: appoint and advance (``advance``), show, list and next (``queries``),
and their SQL (``store``)."""
