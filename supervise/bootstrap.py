"""Composition root: the one module that picks the concrete adapters.

:func:`bootstrap` builds a :class:`~supervise.runtime.Runtime` for one database: the
database adapter, the clock, and factories for the notice renderer, the PDF maker, the mail
renderer, message builder and transport, and the cron arithmetic. Each factory imports its
adapter when first called, so cheap commands stay cheap (``tests/perf`` checks that reading
a case loads neither Jinja2 nor WeasyPrint nor APScheduler). Nothing here runs at import.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from supervise.adapters.database import Database
from supervise.adapters.db_urls import make_url_password, resolve_url
from supervise.adapters.personal_data import KEY_ENV, Cipher, read_ring
from supervise.clock import Clock
from supervise.config import MailConfig, Settings
from supervise.ports import (
    CronSchedule,
    MailRenderer,
    MailTransport,
    MessageBuilder,
    NoticeRenderer,
    PdfRenderer,
    SchedulerLoop,
)
from supervise.redact import add_secret
from supervise.runtime import Lazy, Runtime
from supervise.workdays import YearSchedule


def database_url(cli_value: str | None, settings: Settings, environ: Mapping[str, str]) -> str:
    """--db, else $SUPERVISE_DB, else database.url from config, else supervise.db here."""
    return resolve_url(cli_value or environ.get("SUPERVISE_DB") or settings.database.url)


def _notice_renderer(settings: Settings) -> NoticeRenderer:
    from supervise.notices.render import NoticeRenderer as JinjaNoticeRenderer

    folder = settings.notices.template_dir
    return JinjaNoticeRenderer(Path(folder) if folder else None)


def _pdf(settings: Settings) -> PdfRenderer:
    from supervise.notices.pdf import PdfMaker

    return PdfMaker(settings.notices.font)


def _mail_renderer() -> MailRenderer:
    from supervise.adapters.mail.render import MailRenderer as JinjaMailRenderer

    return JinjaMailRenderer()


def _message_builder() -> MessageBuilder:
    from supervise.adapters.mail.message import build_message

    return build_message


def _cron() -> CronSchedule:
    from supervise.adapters.scheduler import first_fire_on

    return first_fire_on


def _scheduler_loop() -> SchedulerLoop:
    from supervise.adapters.scheduler import run_forever

    return run_forever


def _read_schedules(database: Database) -> Mapping[int, YearSchedule]:
    # The store, not the calendar's service (which imports the office's views and the
    # registry's writes): `case next` counts deadlines and should load neither.
    from supervise.services.admin.store import schedules

    with database.uow(core=True) as uow:
        return schedules(uow)


def mail_transport(config: MailConfig, base_dir: Path) -> MailTransport:
    """The configured transport; a relative ``mail.file.dir`` is taken from ``base_dir``."""
    if config.transport == "smtp":
        from supervise.adapters.mail.smtp import SmtpTransport

        return SmtpTransport(config.smtp)
    from supervise.adapters.mail.files import FileTransport

    directory = Path(config.file.dir).expanduser()
    return FileTransport(directory if directory.is_absolute() else base_dir / directory)


def bootstrap(
    settings: Settings,
    *,
    db_url: str,
    environ: Mapping[str, str] | None = None,
) -> Runtime:
    """Wire the adapters for ``db_url``; ``SUPERVISE_NOW`` in ``environ`` fixes the clock."""
    env = os.environ if environ is None else environ
    # Secrets the program knows of are masked out of every message and log line.
    if settings.mail.smtp.password_env:
        add_secret(env.get(settings.mail.smtp.password_env))
    add_secret(make_url_password(db_url))
    for key in env.get(KEY_ENV, "").replace(",", " ").split():
        add_secret(key)
    key_file = settings.personal_data.key_file
    # Read on first use: commands that never touch an ID number run without the key.
    database = Database(db_url, Lazy(lambda: Cipher(read_ring(key_file, env))))
    runtime: Runtime = Runtime(
        settings=settings,
        clock=Clock.from_env(settings.zone, env, settings.date_range),
        database=database,
        notice_renderer=Lazy(lambda: _notice_renderer(settings)),
        pdf=Lazy(lambda: _pdf(settings)),
        mail_renderer=Lazy(_mail_renderer),
        build_message=Lazy(_message_builder),
        cron=Lazy(_cron),
        scheduler_loop=Lazy(_scheduler_loop),
        transport=lambda: mail_transport(settings.mail, Path.cwd()),
        read_schedules=lambda: _read_schedules(database),
    )
    return runtime
