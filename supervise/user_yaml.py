"""The YAML a user writes, parsed by PyYAML's safe loader with the rules of
:mod:`supervise.userfiles` (domain-adjacent: the standard library and PyYAML).

Apart from ``userfiles`` so that a command whose files were parsed before (see
:mod:`supervise.parse_cache`) never imports PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from supervise.errors import InvalidInput
from supervise.redact import clip

_MAX_DEPTH = 32
_MAX_INT_DIGITS = 100


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


def load(text: str, where: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """Parse YAML text from a user (the rules of :func:`supervise.userfiles.read_yaml_file`)."""
    try:
        return yaml.load(text, Loader=_UserLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise error(f"{where} is not valid YAML{at}: {problem}; fix the file") from exc
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise error(f"{where} is not valid YAML: {clip(str(exc), 120)}; fix the file") from exc
