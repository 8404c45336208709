"""Engine, schema-version check and the unit of work (adapter layer).

The unit of work is the one place a transaction begins and ends: services open
``with uow:``, do their work and call ``uow.commit()``; leaving the block without a
commit rolls back. Driver errors are translated here, and only here, into the project's
errors: a lost update or a collision is ``Conflict``, anything else the database says is
``DatabaseProblem``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SqlDatabaseError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from supervise.adapters.db_urls import describe_db_error, read_only_url, sqlite_path
from supervise.adapters.pass_lock import exclusive
from supervise.adapters.personal_data import CipherSource
from supervise.db import KNOWN_REVISIONS, SCHEMA_HEAD
from supervise.errors import Conflict, DatabaseProblem
from supervise.redact import clip

if TYPE_CHECKING:
    # The ORM is imported when a unit of work first asks for its session: the read commands
    # run on Core connections and never load it (issue 13, target 3).
    from sqlalchemy.orm import Session, sessionmaker

    from supervise.adapters.sqlite_backup import Examined

SQLITE_BUSY_MS = 30_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # FULL: a committed transition survives a power cut, not only a process crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def make_engine(url: str, *, must_exist: bool = True) -> Engine:
    """Create the engine; for SQLite, refuse a missing file unless ``must_exist`` is False.

    Raises:
        DatabaseProblem: the SQLite file does not exist (and must), or the URL is unusable.
    """
    path = sqlite_path(url)
    if path is not None and must_exist and not path.exists():
        raise DatabaseProblem(
            f"no database at {path}; run `supervise init` to create it, or pass --db"
        )
    try:
        engine = create_engine(read_only_url(url, path) if path is not None else url, future=True)
    except (ImportError, ModuleNotFoundError) as exc:
        raise DatabaseProblem(
            f"cannot use database URL {make_url(url).render_as_string(hide_password=True)}: "
            f"{exc}; for PostgreSQL install 'supervise[pg]'"
        ) from exc
    except Exception as exc:  # sqlalchemy raises ArgumentError and friends for bad URLs
        raise DatabaseProblem(f"cannot use database URL {clip(repr(url))}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def schema_version(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None when it was never initialised.

    Reads ``alembic_version`` directly so that ordinary commands never import Alembic.

    Raises:
        DatabaseProblem: the file is not a database, or the server cannot be reached.
    """
    try:
        with engine.connect() as conn:
            has_table = engine.dialect.has_table(conn, "alembic_version")
            if not has_table:
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            return None if row is None else str(row[0])
    except SqlDatabaseError as exc:
        raise DatabaseProblem(describe_db_error(engine, exc)) from exc


def check_schema(engine: Engine) -> None:
    """Refuse an uninitialised database or one from a newer version of supervise."""
    version = schema_version(engine)
    if version is None:
        raise DatabaseProblem(
            f"database {engine.url.render_as_string(hide_password=True)} is not initialised; "
            "run `supervise init`"
        )
    if version != SCHEMA_HEAD:
        if version in KNOWN_REVISIONS:
            raise DatabaseProblem(
                f"database schema {version} is older than this program's {SCHEMA_HEAD}; "
                "run `supervise init` to upgrade it"
            )
        raise DatabaseProblem(
            f"database schema {version} is newer than this program knows ({SCHEMA_HEAD}); "
            "upgrade supervise before using this database"
        )


def translate(engine: Engine, exc: DBAPIError) -> Conflict | DatabaseProblem:
    """The project's error for what the driver said."""
    if isinstance(exc, IntegrityError):
        return Conflict(f"the change collided with another one; retry ({exc.orig})")
    return DatabaseProblem(describe_db_error(engine, exc))


class UnitOfWork:
    """One database transaction. Commit explicitly; anything else rolls back.

    The transaction runs on a Core ``connection`` or on an ORM ``session``, whichever is
    asked for first; the session is made (and the ORM imported) only when asked for, so a
    use case that only reads through Core never loads the ORM. A session asked for after
    the connection joins the connection's transaction.
    """

    def __init__(
        self,
        sessions: Callable[[], sessionmaker[Session]],
        engine: Engine,
        personal_data: CipherSource | None = None,
    ) -> None:
        self._sessions = sessions
        self._engine = engine
        #: Where the ID-number cipher comes from (Core reads open sealed numbers with it).
        self.personal_data = personal_data
        self._session: Session | None = None
        self._connection: Connection | None = None
        self._open = False

    @property
    def session(self) -> Session:
        if not self._open:
            raise RuntimeError("unit of work used outside `with`")
        if self._session is None:
            factory = self._sessions()
            self._session = (
                factory() if self._connection is None else factory(bind=self._connection)
            )
        return self._session

    @property
    def connection(self) -> Connection:
        """The transaction's Core connection (the session's, when it has one)."""
        if not self._open:
            raise RuntimeError("unit of work used outside `with`")
        if self._session is not None:
            return self._session.connection()
        if self._connection is None:
            self._connection = self._engine.connect()
        return self._connection

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def __enter__(self) -> UnitOfWork:
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, connection = self._session, self._connection
        self._session = self._connection = None
        self._open = False
        try:
            if session is not None:
                session.rollback()
            if connection is not None:
                connection.rollback()
        except DBAPIError:
            pass  # the connection is gone; the error that got us here says why
        finally:
            if session is not None:
                session.close()
            if connection is not None:
                connection.close()
        if isinstance(exc, DBAPIError):
            raise translate(self._engine, exc) from exc

    def flush(self) -> None:
        """Write pending changes now, translating a lost update into ``Conflict``."""
        from sqlalchemy.orm.exc import StaleDataError

        try:
            self.session.flush()
        except StaleDataError as exc:
            raise Conflict("the record was changed by someone else; reload and retry") from exc

    def commit(self) -> None:
        stale: type[Exception] = _NeverRaised
        try:
            if self._session is not None:
                from sqlalchemy.orm.exc import StaleDataError

                stale = StaleDataError
                # Joined to a Core connection, the session commits only its own part.
                self._session.commit()
            if self._connection is not None:
                self._connection.commit()
        except stale as exc:
            raise Conflict("the record was changed by someone else; reload and retry") from exc
        except IntegrityError as exc:
            raise translate(self._engine, exc) from exc
        except OperationalError as exc:
            if "readonly" in str(exc.orig):
                raise DatabaseProblem(describe_db_error(self._engine, exc)) from exc
            raise Conflict(f"the database was busy; retry ({exc.orig})") from exc


class _NeverRaised(Exception):
    """Stands for the ORM's StaleDataError in a transaction that has no session."""


def dialect_insert(dialect: str) -> Any:
    """The dialect's INSERT construct (for ``ON CONFLICT DO NOTHING``), imported on demand:
    an SQLite office never loads the PostgreSQL dialect."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


@dataclass(frozen=True)
class Survey:
    """An existing database as ``init`` finds it."""

    revision: str | None
    tables: frozenset[str]
    exists: bool
    empty_file: bool


class Database:
    """One database: its engine, made and checked on first use, and its units of work."""

    def __init__(self, url: str, personal_data: CipherSource | None = None) -> None:
        self.url = url
        #: The ID-number cipher, built on first use (a command that never reads a number
        #: needs no key).
        self.personal_data = personal_data
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    def engine(self) -> Engine:
        """The engine of an initialised database at this program's schema.

        Raises:
            DatabaseProblem: missing, not a database, not initialised, or another schema.
        """
        if self._engine is None:
            engine = make_engine(self.url, must_exist=True)
            try:
                check_schema(engine)
            except DatabaseProblem:
                engine.dispose()
                raise
            self._engine = engine
        return self._engine

    def sessions(self) -> sessionmaker[Session]:
        """The session factory (made, and the ORM imported, on first use)."""
        engine = self.engine()
        if self._sessions is None:
            from supervise.adapters.orm.sessions import session_factory

            self._sessions = session_factory(engine, self.personal_data)
        return self._sessions

    @property
    def dialect(self) -> str:
        return self.engine().dialect.name

    def one_at_a_time(self, purpose: str) -> AbstractContextManager[None]:
        """Serialise passes of ``purpose`` over this database (SQLite files only)."""
        return exclusive(sqlite_path(self.url), purpose)

    def uow(self, *, core: bool = False) -> UnitOfWork:
        """A new unit of work. ``core=True``: its use case reads through Core only, so the
        ORM is neither imported nor mapped for it; otherwise the domain classes are mapped
        first, since a use case may build ORM statements before it asks for the session."""
        engine = self.engine()
        if not core:
            self.sessions()
        return UnitOfWork(self.sessions, engine, self.personal_data)

    def schema_version(self) -> str | None:
        """The revision of the database at this URL, None if it has none (or is missing)."""
        return self.survey().revision

    def survey(self) -> Survey:
        """What is at this URL before ``init`` touches it: revision, tables, an empty file."""
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            return Survey(None, frozenset(), exists=False, empty_file=False)
        if path is not None and path.is_file() and path.stat().st_size == 0:
            return Survey(None, frozenset(), exists=True, empty_file=True)
        engine = make_engine(self.url, must_exist=False)
        try:
            revision = schema_version(engine)
            with engine.connect() as conn:
                tables = frozenset(inspect(conn).get_table_names())
        except SqlDatabaseError as exc:
            raise DatabaseProblem(describe_db_error(engine, exc)) from exc
        finally:
            engine.dispose()
        return Survey(revision, tables, exists=True, empty_file=False)

    def upgrade(self) -> None:
        """Create or upgrade the schema (imports Alembic: only `init` comes here)."""
        from supervise.adapters.migrate import upgrade_to_head

        engine = make_engine(self.url, must_exist=False)
        try:
            upgrade_to_head(engine, self.personal_data)
        except DBAPIError as exc:
            raise translate(engine, exc) from exc
        finally:
            engine.dispose()
        self.close()

    # -- backups (SQLite; PostgreSQL has pg_dump) ------------------------------------------

    def sqlite_file(self) -> Path | None:
        """The SQLite file, or None on PostgreSQL."""
        return sqlite_path(self.url)

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the live database at ``target`` (SQLite's backup API)."""
        from supervise.adapters.sqlite_backup import copy

        path = self.sqlite_file()
        assert path is not None
        self.engine()  # refuses a missing, foreign or outdated database first
        try:
            copy(path, target)
        except (sqlite3.Error, OSError) as exc:
            raise DatabaseProblem(f"cannot write the backup {target}: {exc}") from exc

    def examine(self, path: Path) -> Examined:
        """Integrity, schema revision and row counts of the SQLite file at ``path``.

        Raises:
            DatabaseProblem: the file cannot be read as an SQLite database.
        """
        from supervise.adapters.orm import metadata
        from supervise.adapters.sqlite_backup import examine

        try:
            return examine(path, [t.name for t in metadata.sorted_tables])
        except (sqlite3.Error, OSError) as exc:
            raise DatabaseProblem(f"{path} cannot be read as an SQLite database ({exc})") from exc

    def restore_from(self, source: Path, aside: Path) -> dict[str, int]:
        """Replace every row of the live database with ``source``'s (checked by the caller),
        after saving the live one at ``aside``."""
        from supervise.adapters.orm import DERIVED_TABLES, metadata
        from supervise.adapters.sqlite_backup import replace_rows

        path = self.sqlite_file()
        assert path is not None
        self.close()
        try:
            return replace_rows(
                path,
                source,
                aside,
                [t.name for t in metadata.sorted_tables if t.name not in DERIVED_TABLES],
            )
        except sqlite3.Error as exc:
            raise DatabaseProblem(f"the restore was rolled back, nothing changed: {exc}") from exc

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = None
