"""The use cases, grouped by capability; each public function owns its transaction.

- ``cases``: appoint, advance, show, list, next;
- ``notices``: issue (inside a transition), list, render, serve, verify;
- ``registry``: organizations, persons, the ban registry;
- ``reminders``: the sweep, the digest and agenda, delivery, the outbox;
- ``admin``: users and assignment, the calendar, init and doctor.

Every public function takes the runtime (``runtime.Runtime``) and who is acting; the SQL
of a capability lives in its ``store`` module.
"""
