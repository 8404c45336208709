"""ID numbers at rest: sealed with AES-256-GCM, found by a keyed hash (adapter layer).

The one adapter that turns a 居民身份证号码 into what the database holds and back
(``cryptography``'s AESGCM and HMAC; nothing hand-made):

- ``persons.id_number_enc``: ``FINGERPRINT:BASE64(nonce ‖ ciphertext ‖ tag)``, a fresh
  12-byte nonce per value; the associated data is the column's name and the row's keyed
  hash, so a sealed number copied into another row (or a hash changed under it) no longer
  opens.
- ``persons.id_number_hmac``: HMAC-SHA-256 of the normalized number (hex), unique and
  indexed: finding a person by number is one index probe, whatever the name they were
  first registered under.

Keys come from ``$SUPERVISE_DATA_KEY`` or the file the configuration names
(``personal_data.key_file``), never from the database: one or more base64 32-byte keys,
separated by blanks or new lines (``#`` starts a comment); the first seals new values, the
others only open older ones while ``supervise keys rotate`` moves them. Each key is known
by a fingerprint derived from it; the ``data_keys`` table lists the fingerprints the
stored values are under, so that a wrong or missing key is a clear error *before* a lookup
could wrongly find nobody (a ban check that misses a banned person is worse than a refusal).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from supervise.adapters.orm import data_keys as _data_keys
from supervise.errors import ConfigError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from sqlalchemy.orm import Session

KEY_ENV = "SUPERVISE_DATA_KEY"
KEY_SETTING = "personal_data.key_file"

#: PUBLIC development key: `make demo`, the tests and the examples use it. It is printed in
#: the source and the README; `supervise doctor` fails a database sealed under it.
DEVELOPMENT_KEY = "c3VwZXJ2aXNlIGRldmVsb3BtZW50IGtleSAtIHB1Ymw="

_COLUMN_AD = b"supervise:persons.id_number:"
_SESSION_INFO = "personal_data"


def missing_key_error() -> ConfigError:
    return ConfigError(
        f"no key for personal data: set {KEY_ENV} or the configuration's {KEY_SETTING} "
        "(see the README, Security model); nothing was changed"
    )


@dataclass(frozen=True)
class DataKey:
    """One key of the ring: the AEAD key and the HMAC key derived from it."""

    fingerprint: str
    aead: AESGCM
    mac_key: bytes

    @classmethod
    def from_secret(cls, secret: bytes) -> DataKey:
        # Imported here: a command that never reads an ID number does not load OpenSSL.
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        # Two independent subkeys from one secret (HKDF), so the index key is never the
        # encryption key; the fingerprint is a third derivation and reveals neither.
        derived = HKDF(
            algorithm=hashes.SHA256(), length=96, salt=None, info=b"supervise personal data v1"
        ).derive(secret)
        return cls(derived[64:72].hex(), AESGCM(derived[:32]), derived[32:64])

    def index(self, number: str) -> str:
        return hmac.new(self.mac_key, number.encode("ascii"), sha256).hexdigest()


def parse_ring(text: str, source: str) -> tuple[DataKey, ...]:
    """The keys in ``text`` (first = current).

    Raises:
        ConfigError: no key, or an entry that is not a base64 32-byte key (never echoed).
    """
    entries = [
        word
        for line in text.splitlines()
        for word in line.split("#", 1)[0].replace(",", " ").split()
    ]
    if not entries:
        raise missing_key_error()
    keys = []
    for place, entry in enumerate(entries, 1):
        try:
            secret = base64.b64decode(entry, validate=True)
        except (binascii.Error, ValueError):
            secret = b""
        if len(secret) != 32:
            raise ConfigError(
                f"{source}: key {place} is not a base64-encoded 32-byte key; make one with "
                "`openssl rand -base64 32`"
            )
        keys.append(DataKey.from_secret(secret))
    return tuple(keys)


def generate_key() -> str:
    """A new random key in the ring's notation."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return base64.b64encode(AESGCM.generate_key(bit_length=256)).decode("ascii")


def read_ring(key_file: str | None, environ: Mapping[str, str]) -> tuple[DataKey, ...]:
    """The ring from ``$SUPERVISE_DATA_KEY``, else from ``key_file``.

    Raises:
        ConfigError: neither is set, the file cannot be read, or an entry is not a key.
    """
    value = environ.get(KEY_ENV)
    if value:
        return parse_ring(value, KEY_ENV)
    if not key_file:
        raise missing_key_error()
    path = Path(key_file).expanduser()
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a key file"
        raise ConfigError(
            f"{KEY_SETTING} {path}: cannot read the key file ({reason}); nothing was changed"
        ) from None
    return parse_ring(text, f"{KEY_SETTING} {path}")


class Cipher:
    """Seals and opens ID numbers with a key ring; checks the ring against the database."""

    def __init__(self, keys: tuple[DataKey, ...]) -> None:
        self.keys = keys
        self.current = keys[0]
        self._by_fingerprint = {k.fingerprint: k for k in keys}
        # What this process saw of ``data_keys``: every stored key is in the ring
        # (readable), and the current key is listed (registered).
        self._readable = self._registered = False

    def seal(self, number: str) -> tuple[str, str]:
        """(sealed value, keyed hash) of a normalized number, under the current key."""
        index = self.current.index(number)
        nonce = os.urandom(12)
        sealed = self.current.aead.encrypt(nonce, number.encode("ascii"), _ad(index))
        token = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{self.current.fingerprint}:{token}", index

    def open(self, value: str, index: str) -> str:
        """The number a sealed value holds.

        Raises:
            ConfigError: the value is under a key the ring lacks, or does not open (a
                wrong key, or a value moved to another row).
        """
        from cryptography.exceptions import InvalidTag

        fingerprint, _, token = value.partition(":")
        key = self._by_fingerprint.get(fingerprint)
        if key is None:
            raise _foreign(fingerprint)
        try:
            raw = base64.b64decode(token)
            return key.aead.decrypt(raw[:12], raw[12:], _ad(index)).decode("ascii")
        except (InvalidTag, binascii.Error, ValueError, UnicodeDecodeError):
            raise ConfigError(
                f"a stored ID number does not open with key {fingerprint}: the row was "
                "altered outside supervise, or the key is not this database's"
            ) from None

    def fingerprint_of(self, value: str) -> str:
        return value.partition(":")[0]

    def indexes(self, number: str) -> list[str]:
        """The number's keyed hash under every key of the ring (one during normal work,
        two while a rotation runs): a lookup asks for any of them in one query."""
        return [key.index(number) for key in self.keys]

    def check(self, conn: Connection | Session, *, register: bool = False) -> None:
        """Refuse a ring that lacks a key the database's values are under; with
        ``register``, record the current key before values are sealed under it.

        Raises:
            ConfigError: the database holds values under a key the ring does not hold.
        """
        if self._registered or (self._readable and not register):
            return
        stored = set(conn.execute(select(_data_keys.c.fingerprint)).scalars())
        foreign = sorted(stored - set(self._by_fingerprint))
        if foreign:
            raise _foreign(foreign[0])
        self._readable = True
        if self.current.fingerprint in stored:
            self._registered = True  # seen committed: later writers need not ask again
        elif register:
            # Two first writers under a new key may race: the second one's row is not news.
            conn.execute(
                _insert_for(conn)(_data_keys)
                .values(fingerprint=self.current.fingerprint)
                .on_conflict_do_nothing()
            )

    def forget_check(self) -> None:
        self._readable = self._registered = False


def retire(conn: Connection | Session, keep: str) -> list[str]:
    """Drop every fingerprint but ``keep`` from ``data_keys``; the ones dropped."""
    old = [f for f in conn.execute(select(_data_keys.c.fingerprint)).scalars() if f != keep]
    if old:
        conn.execute(delete(_data_keys).where(_data_keys.c.fingerprint.in_(old)))
    return sorted(old)


def _insert_for(conn: Connection | Session) -> Any:
    bind = conn if isinstance(conn, Connection) else conn.get_bind()
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _ad(index: str) -> bytes:
    return _COLUMN_AD + index.encode("ascii")


def _foreign(fingerprint: str) -> ConfigError:
    return ConfigError(
        f"ID numbers in this database are sealed under key {fingerprint}, which the key "
        f"given ({KEY_ENV} or {KEY_SETTING}) does not hold: set this database's key; "
        "nothing was changed"
    )


def is_development(keys: Iterable[DataKey]) -> bool:
    dev = DataKey.from_secret(base64.b64decode(DEVELOPMENT_KEY)).fingerprint
    return any(k.fingerprint == dev for k in keys)


# -- the session's cipher, and the mapping of model.Person ----------------------------------

CipherSource = Callable[[], Cipher]


def session_info(source: CipherSource | None) -> dict[str, Any]:
    """What a session factory carries so that the mapping can reach the ring."""
    return {_SESSION_INFO: source}


def cipher_of(session: Session) -> Cipher:
    """The cipher of the session's database (loaded on first use).

    Raises:
        ConfigError: no key is configured.
    """
    return cipher_from(session.info.get(_SESSION_INFO))


def cipher_from(source: CipherSource | None) -> Cipher:
    """The cipher ``source`` gives (a unit of work's ``personal_data``).

    Raises:
        ConfigError: no key is configured.
    """
    if source is None:
        raise missing_key_error()
    return source()


def lookup_indexes(session: Session, number: str) -> list[str]:
    """The keyed hashes to look ``number`` up by, after checking the ring (see ``check``)."""
    cipher = cipher_of(session)
    cipher.check(session)
    return cipher.indexes(number)


def seal_for_insert(
    session: Session, number: str, conn: Connection | None = None
) -> tuple[str, str]:
    """(sealed, keyed hash) for a new row, the current key registered in this transaction
    (on ``conn``, the flush's connection, when called from inside a flush)."""
    cipher = cipher_of(session)
    cipher.check(conn if conn is not None else session, register=True)
    return cipher.seal(number)


def open_number(session: Session, sealed: str, index: str) -> str:
    return cipher_of(session).open(sealed, index)


_events_installed = False


def install_person_mapping() -> None:
    """Seal ``Person.id_number`` as the row is inserted and open it as it is loaded, so
    services and views keep working with the plain number in memory (idempotent)."""
    global _events_installed
    if _events_installed:
        return
    from sqlalchemy import event
    from sqlalchemy.orm import object_session

    from supervise import model

    def _on_load(target: Any, context: Any) -> None:
        target.id_number = open_number(context.session, target.id_number_enc, target.id_number_hmac)

    def _on_insert(_mapper: Any, connection: Connection, target: Any) -> None:
        session = object_session(target)
        assert session is not None
        sealed = seal_for_insert(session, target.id_number, connection)
        target.id_number_enc, target.id_number_hmac = sealed

    event.listen(model.Person, "load", _on_load)
    event.listen(model.Person, "before_insert", _on_insert)
    _events_installed = True
