"""Official notices as part of the record: issuing them inside a transition (``issue``),
listing, rendering, serving and verifying them (``records``), and their SQL (``store``)."""
