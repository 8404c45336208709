"""Reading the files a user names (domain-adjacent: the standard library and PyYAML).

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

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from supervise.errors import InvalidInput
from supervise.inputs import FILE_LIMITS
from supervise.redact import clip

_CHUNK = 1024 * 1024
_MAX_DEPTH = 32
_MAX_INT_DIGITS = 100


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


class _UserLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases, duplicate keys, dates or huge integers."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def _mark(self) -> Any:
        return self.peek_event().start_mark  # type: ignore[no-untyped-call]

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not accepted; write the values out", self._mark()
            )
        self._depth += 1
        if self._depth > _MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"nested more than {_MAX_DEPTH} levels deep",
                self._mark(),
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                if key_node.value in seen:
                    raise yaml.MarkedYAMLError(
                        None,
                        None,
                        f"key {clip(repr(key_node.value), 60)} appears twice; keep one",
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > _MAX_INT_DIGITS:
            raise yaml.MarkedYAMLError(
                None, None, f"a number of {digits} digits is not plausible", node.start_mark
            )
        return super().construct_yaml_int(node)


# Dates stay text: the implicit timestamp resolver is dropped for this loader only.
_UserLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_UserLoader.add_constructor("tag:yaml.org,2002:int", _UserLoader.construct_yaml_int)


def read_yaml_file(path: Path, what: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """Parse a user's YAML file (see the module docstring for what is refused).

    Raises:
        ``error``: one line naming ``what`` the file is, ``path``, and what was wrong.
    """
    data = read_bytes(path, what, error)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"{what} {clip(str(path))} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8"
        ) from exc
    return parse_yaml(text, f"{what} {clip(str(path))}", error)


def parse_yaml(text: str, where: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """Parse YAML text from a user (the rules of :func:`read_yaml_file`)."""
    try:
        return yaml.load(text, Loader=_UserLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise error(f"{where} is not valid YAML{at}: {problem}; fix the file") from exc
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise error(f"{where} is not valid YAML: {clip(str(exc), 120)}; fix the file") from exc
