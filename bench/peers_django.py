"""Django + django-fsm-2 as a peer of supervise (bench/peers.py); this module is also the
Django app that holds the two models.

A case is a model with an ``FSMField`` (and ``ConcurrentTransitionMixin``, which the
django-fsm documentation recommends against concurrent transitions: the UPDATE is
filtered on the state the row was read in) and a ``@transition`` per event; its history
is a second model with the same columns as supervise's history. A step, inside
``transaction.atomic()``: ``get``, the transition, ``save``, ``History.objects.create``.

Django is configured in-process with ``settings.configure`` (no project files), once per
process: bench/peers.py runs each database in a process of its own. The tables are made
with the schema editor. On SQLite, ``init_command`` sets the same pragmas as supervise's
engine (journal_mode=WAL is kept in the file).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import make_url

from bench.base import NOW
from bench.peers_base import (
    ACTOR,
    CREATED,
    EARLIER,
    EVENT,
    EVENT_AT,
    REASON,
    ROLE,
    STATE,
    bytes_held,
    is_sqlite,
    org_of,
    person_of,
    read_durability,
    recorded_at,
)
from supervise.adapters.database import SQLITE_BUSY_MS
from supervise.chain import GENESIS

APP = "peers_django"


def database_settings(url: str) -> dict[str, Any]:
    """Django's DATABASES entry for a SQLAlchemy URL."""
    u = make_url(url)
    if is_sqlite(url):
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": u.database,
            "OPTIONS": {
                "init_command": f"PRAGMA synchronous=FULL; PRAGMA busy_timeout={SQLITE_BUSY_MS}",
            },
        }
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": u.database,
        "USER": u.username or "postgres",
        "PASSWORD": u.password or "",
        "HOST": u.host or "127.0.0.1",
        "PORT": str(u.port or 5432),
    }


def configure(url: str) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        USE_TZ=True,
        TIME_ZONE="UTC",
        INSTALLED_APPS=[f"bench.{APP}"],
        DATABASES={"default": database_settings(url)},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    django.setup()


_models: tuple[Any, Any] | None = None


def models() -> tuple[Any, Any]:
    """The case and history models (defined once, after ``django.setup()``)."""
    global _models
    if _models is not None:
        return _models
    from django.db import models as m
    from django_fsm import ConcurrentTransitionMixin, FSMField, transition

    class FsmCase(ConcurrentTransitionMixin, m.Model):  # type: ignore[misc]
        organization_id = m.IntegerField(db_index=True)
        person_id = m.IntegerField(db_index=True)
        role = m.CharField(max_length=50)
        state = FSMField(default="appointed", db_index=True)
        supervisor = m.CharField(max_length=100, null=True, db_index=True)
        last_event_at = m.DateTimeField()
        seq = m.IntegerField()
        created_at = m.DateTimeField()
        version = m.IntegerField()

        class Meta:
            app_label = APP
            db_table = "fsm_cases"

        @transition(field=state, source=STATE, target=STATE)
        def record_statement(self, at: datetime) -> None:
            self.seq += 1
            self.version += 1
            self.last_event_at = at

    class FsmHistory(m.Model):  # type: ignore[misc]
        case = m.ForeignKey(FsmCase, on_delete=m.PROTECT)
        seq = m.IntegerField()
        event = m.CharField(max_length=40)
        from_state = m.CharField(max_length=32, null=True)
        to_state = m.CharField(max_length=32)
        at = m.DateTimeField()
        recorded_at = m.DateTimeField()
        by = m.CharField(max_length=100)
        reason = m.TextField(null=True)
        basis = m.CharField(max_length=50, null=True)
        data = m.JSONField()
        # supervise's history carries a hash chain (issue 11); the peers store the same
        # columns, without computing a chain.
        prev_hash = m.CharField(max_length=64)
        hash = m.CharField(max_length=64)

        class Meta:
            app_label = APP
            db_table = "fsm_history"
            constraints = [m.UniqueConstraint("case", "seq", name="uq_fsm_history_case_seq")]

    _models = (FsmCase, FsmHistory)
    return _models


def versions() -> str:
    from importlib.metadata import version

    return f"Django {version('Django')} + django-fsm-2 {version('django-fsm-2')}"


class DjangoFsm:
    """The Django contender on its own database."""

    tables: tuple[str, ...] = ("fsm_cases", "fsm_history")

    def __init__(self, url: str) -> None:
        from django.db import connection

        configure(url)
        self.url = url
        self.name = versions()
        self.case_model, self.history_model = models()
        with connection.schema_editor() as editor:
            editor.create_model(self.case_model)
            editor.create_model(self.history_model)

    def fill(self, n: int) -> None:
        self.case_model.objects.bulk_create(
            [
                self.case_model(
                    id=i, organization_id=org_of(i), person_id=person_of(i, n), role=ROLE,
                    state=STATE, supervisor=ACTOR, last_event_at=EVENT_AT,
                    seq=len(EARLIER), created_at=CREATED, version=1,
                )
                for i in range(1, n + 1)
            ],
            batch_size=500,
        )  # fmt: skip
        self.history_model.objects.bulk_create(
            [
                self.history_model(
                    case_id=i, seq=seq, event=ev, from_state=before, to_state=after,
                    at=EVENT_AT, recorded_at=EVENT_AT, by=ACTOR, reason=None,
                    basis=None, data={}, prev_hash=GENESIS, hash=GENESIS,
                )
                for i in range(1, n + 1)
                for seq, (ev, before, after) in enumerate(EARLIER, start=1)
            ],
            batch_size=500,
        )  # fmt: skip

    def step(self, case_id: int) -> None:
        from django.db import transaction

        with transaction.atomic():
            case = self.case_model.objects.get(pk=case_id)
            before = case.state
            case.record_statement(at=NOW)
            case.save()
            self.history_model.objects.create(
                case=case, seq=case.seq, event=EVENT, from_state=before, to_state=case.state,
                at=NOW, recorded_at=recorded_at(), by=ACTOR, reason=REASON, basis=None,
                data={}, prev_hash=GENESIS, hash=GENESIS,
            )  # fmt: skip

    def statements(self, case_id: int) -> list[str]:
        from django.db import connection

        seen: list[str] = []

        def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            self.step(case_id)
        return seen

    def memory(self, count: int) -> float:
        """Per model instance."""
        cases = self.case_model.objects.filter(id__lte=count).order_by("id")
        return bytes_held(lambda: list(cases))

    def durability(self) -> dict[str, str]:
        from django.db import connection

        def scalar(sql: str) -> Any:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()[0]

        return read_durability(self.url, scalar)

    def close(self) -> None:
        from django.db import connection

        connection.close()
