"""Mail adapters: building messages, delivering them (SMTP or a folder), rendering them.

- ``message``: the e-mail for an outbox row (standard library ``email``);
- ``smtp``: delivery through an SMTP server, owning its connection;
- ``files``: delivery into a folder of ``.eml`` files;
- ``render``: the reminder texts from the Jinja2 templates in ``supervise/mail_templates``.

Both transports fit ``ports.MailTransport``; ``bootstrap.py`` picks one from ``mail:``.
"""
