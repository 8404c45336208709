"""Reminders by e-mail: the sweep that queues what is due (``sweep``), the digest and the
agenda (``digest``), delivery (``delivery``), the outbox for the operator (``outbox``), one
pass and the scheduler's jobs (``run``), and their SQL (``store``)."""
