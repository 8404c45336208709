"""supervise: a case-management engine for supervising the leaders of social organizations.

The layers: ``states``/``rules``/``workdays``/``validation``/``clock``/``model``/``errors``
are the domain (no framework imports); ``adapters`` hold the database, migrations and
mail; ``services`` are the use cases, each owning its transaction; ``cli`` is the thin
entry point.
"""
