"""The registry: organizations and persons (``records``), the ban registry and the
pre-appointment check (``bans``), and their SQL (``store``)."""
