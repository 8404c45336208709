"""Reading the files a user names (domain-adjacent: the standard library; PyYAML in user_yaml).

Every file the program reads on a user's say-so — ``--details``, calendar files, the
configuration, a ``--receipt``, the file ``notice verify`` checks — is read here, with

- a size cap per kind of file (``inputs.FILE_LIMITS``), read in bounded chunks, and only
  from a regular file, so ``/dev/zero`` or a FIFO is refused instead of filling memory;
- for YAML: UTF-8 only, the safe subset, **no aliases** (``*name``: an alias bomb of a few
  hundred bytes expands to gigabytes), no duplicate keys (the second would silently win),
  a bounded nesting depth, whole numbers of at most 100 digits, and dates kept as the text
  the user wrote (each reader parses the dates it expects, so ``2027-02-30`` is refused by
  name instead of crashing the parser).

Every problem is an ``InvalidInput`` (or the ``error`` class the caller gives) of one line
naming the file and saying what to do.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from supervise.errors import InvalidInput
from supervise.inputs import FILE_LIMITS
from supervise.redact import clip

_CHUNK = 1024 * 1024


def _open_regular(path: Path, what: str, error: type[InvalidInput]) -> Any:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    except OSError as exc:
        raise error(f"cannot read {what} {clip(str(path))}: {exc.strerror}") from exc
    except ValueError as exc:  # a NUL byte in the name
        raise error(f"{what} {clip(repr(str(path)))} is not a file name; check it") from exc
    try:
        mode = os.fstat(handle.fileno()).st_mode
    except OSError as exc:
        handle.close()
        raise error(f"cannot read {what} {clip(str(path))}: {exc.strerror}") from exc
    if not stat.S_ISREG(mode):
        handle.close()
        raise error(f"{what} {clip(str(path))} is not a regular file; give a file")
    return handle


def _too_big(what: str, path: Path, limit: int) -> str:
    return f"{what} {clip(str(path))} is larger than {limit // 1024} KiB; give a smaller file"


def read_bytes(path: Path, what: str, error: type[InvalidInput] = InvalidInput) -> bytes:
    """The bytes of a regular file of at most ``FILE_LIMITS[what]``."""
    limit = FILE_LIMITS[what]
    with _open_regular(path, what, error) as handle:
        data: bytes = handle.read(limit + 1)
    if len(data) > limit:
        raise error(_too_big(what, path, limit))
    return data


def sha256_of(path: Path, what: str) -> str:
    """The SHA-256 of a regular file of at most ``FILE_LIMITS[what]``, read in chunks."""
    limit = FILE_LIMITS[what]
    digest = hashlib.sha256()
    size = 0
    with _open_regular(path, what, InvalidInput) as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise InvalidInput(_too_big(what, path, limit))
            digest.update(chunk)
    return digest.hexdigest()


def read_yaml_file(path: Path, what: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """Parse a user's YAML file (see the module docstring for what is refused).

    Raises:
        ``error``: one line naming ``what`` the file is, ``path``, and what was wrong.
    """
    return parse_yaml(read_text(path, what, error), f"{what} {clip(str(path))}", error)


def read_text(path: Path, what: str, error: type[InvalidInput] = InvalidInput) -> str:
    """The UTF-8 text of a regular file of at most ``FILE_LIMITS[what]``."""
    data = read_bytes(path, what, error)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"{what} {clip(str(path))} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8"
        ) from exc


def parse_yaml(text: str, where: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """Parse YAML text from a user (the rules of :func:`read_yaml_file`); a text parsed
    before comes from the cache (:mod:`supervise.parse_cache`) without loading PyYAML."""
    from supervise.parse_cache import cached_parse

    def parse(source: str) -> Any:
        from supervise.user_yaml import load  # PyYAML: only for a text not parsed before

        return load(source, where, error)

    return cached_parse(text, "user-yaml-1", parse)
