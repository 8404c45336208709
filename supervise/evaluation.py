"""The evaluation indicator system for services the government buys (政府购买服务绩效评价),
and grading (domain layer: standard library only).

The configuration (``evaluation``) lists indicator groups — 服务产出, 服务质量,
服务对象满意度, 内部管理, 资金使用 by default — each with a weight (the weights add up to
100), a scoring rule and its items (each item's points within its group). A scores file
gives a value per item; the rule turns it into a fraction of the item's points:

- ``points``: the points awarded, 0 to the item's points;
- ``ratio``: ``{actual: N, target: M}``; the fraction is actual / target, at most 1;
- ``percent``: a rate from 0 to 100 (a satisfaction survey's 满意率);
- ``check``: yes or no (a requirement met or not).

A group scores ``weight × Σ(points × fraction) / Σ points``; the total is the sum, 0 to 100,
kept as a ``Decimal`` to two places (half up), never a float. The grade follows the
configured cut-offs (优秀/良好/合格, below the last 不合格).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from supervise.errors import ConfigError, InvalidInput
from supervise.redact import quoted

Rule = Literal["points", "ratio", "percent", "check"]
RULES: tuple[str, ...] = ("points", "ratio", "percent", "check")

GRADES: tuple[str, ...] = ("优秀", "良好", "合格", "不合格")
FAILING = "不合格"
#: Grades "合格 or below" (the two-in-a-row trigger counts these).
LOW_GRADES: frozenset[str] = frozenset({"合格", "不合格"})
GRADE_KEYS: dict[str, str] = {
    "优秀": "excellent",
    "良好": "good",
    "合格": "pass",
    "不合格": "fail",
}

ExitTrigger = Literal["one_fail", "two_low_in_a_row"]
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class IndicatorGroup:
    """One group of indicators: its weight out of 100, its rule, its items' points."""

    name: str
    weight: int
    rule: Rule
    items: dict[str, int]


@dataclass(frozen=True)
class EvaluationSettings:
    """YAML ``evaluation``: the indicator system, the grade cut-offs, the exit trigger."""

    groups: tuple[IndicatorGroup, ...] = ()
    # The lowest total score of each grade; below 合格's: 不合格.
    grades: dict[str, int] = field(default_factory=lambda: {"优秀": 90, "良好": 80, "合格": 60})
    # one_fail: one 不合格 opens an exit review; two_low_in_a_row: two evaluations of the
    # organization in a row graded 合格 or below.
    exit_review: ExitTrigger = "one_fail"


def check_settings(settings: EvaluationSettings) -> None:
    """Refuse an indicator system that cannot grade, naming the group or key.

    Raises:
        ConfigError: weights not adding up to 100, an unknown rule, a group without
            items, items without points, or cut-offs out of order.
    """
    if not settings.groups:
        raise ConfigError("config key evaluation.groups: list at least one indicator group")
    seen: set[str] = set()
    for group in settings.groups:
        where = f"config key evaluation.groups ({group.name})"
        if not group.name.strip():
            raise ConfigError("config key evaluation.groups: a group has no name")
        if group.name in seen:
            raise ConfigError(f"{where}: the group is listed twice; keep one")
        seen.add(group.name)
        if group.weight <= 0:
            raise ConfigError(f"{where}: weight must be more than 0 (got {group.weight})")
        if group.rule not in RULES:  # pragma: no cover - the Literal refused it already
            raise ConfigError(f"{where}: unknown rule {group.rule!r}; use {', '.join(RULES)}")
        if not group.items:
            raise ConfigError(f"{where}: list at least one item with its points")
        for item, points in group.items.items():
            if points <= 0:
                raise ConfigError(f"{where}: item {item} needs more than 0 points")
    total = sum(g.weight for g in settings.groups)
    if total != 100:
        parts = ", ".join(f"{g.name} {g.weight}" for g in settings.groups)
        raise ConfigError(
            f"config key evaluation.groups: the weights add up to {total}, not 100 ({parts}); "
            "change the weight of a group"
        )
    if set(settings.grades) != set(GRADES[:3]):
        raise ConfigError(
            "config key evaluation.grades: give the lowest score of exactly 优秀, 良好 and 合格 "
            f"(got {', '.join(settings.grades) or 'none'})"
        )
    cuts = [settings.grades[g] for g in GRADES[:3]]
    if not 100 >= cuts[0] > cuts[1] > cuts[2] > 0:
        raise ConfigError(
            "config key evaluation.grades: need 100 >= 优秀 > 良好 > 合格 > 0 "
            f"(got {cuts[0]}, {cuts[1]}, {cuts[2]})"
        )


def grade_of(score: Decimal, cutoffs: Mapping[str, int]) -> str:
    """The grade of a total score under the configured cut-offs."""
    for grade in GRADES[:3]:
        if score >= cutoffs[grade]:
            return grade
    return FAILING


@dataclass(frozen=True)
class Scored:
    """What a scores file comes to: the total, the grade, each group's part."""

    score: Decimal
    grade: str
    groups: dict[str, str]  # group -> its score as text (two places)
    values: dict[str, dict[str, Any]]  # the values given, as read


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidInput(f"{where}: give a number, got {quoted(value, 40)}")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidInput(f"{where}: {quoted(value, 40)} is not a number") from exc
    if not number.is_finite() or number < 0:
        raise InvalidInput(f"{where}: give a number of 0 or more, got {quoted(value, 40)}")
    if number > Decimal(10) ** 12:
        raise InvalidInput(f"{where}: {quoted(value, 40)} is not plausible")
    return number


def _fraction(group: IndicatorGroup, item: str, value: Any, where: str) -> Decimal:
    points = group.items[item]
    if group.rule == "points":
        given = _number(value, where)
        if given > points:
            raise InvalidInput(f"{where}: {given} is more than the item's {points} points")
        return given / points
    if group.rule == "percent":
        given = _number(value, where)
        if given > 100:
            raise InvalidInput(f"{where}: a rate is 0 to 100, got {given}")
        return given / 100
    if group.rule == "check":
        if not isinstance(value, bool):
            raise InvalidInput(f"{where}: give yes or no, got {quoted(value, 40)}")
        return Decimal(1) if value else Decimal(0)
    if not isinstance(value, Mapping) or set(value) != {"actual", "target"}:
        raise InvalidInput(f"{where}: give {{actual: N, target: M}}, got {quoted(value, 60)}")
    actual = _number(value["actual"], f"{where}.actual")
    target = _number(value["target"], f"{where}.target")
    if target == 0:
        raise InvalidInput(f"{where}.target: must be more than 0")
    return min(actual / target, Decimal(1))


def score(settings: EvaluationSettings, scores: Any, where: str) -> Scored:
    """Score a scores file's ``scores`` mapping against the indicator system.

    Every group and item of the configuration must be scored; anything else is refused by
    name, so a typo cannot silently score 0.

    Raises:
        InvalidInput: a missing or unknown group or item, or a value the rule cannot read.
    """
    if not isinstance(scores, Mapping):
        raise InvalidInput(f"{where}: scores must map each indicator group to its items")
    known = {g.name: g for g in settings.groups}
    unknown = [str(k) for k in scores if k not in known]
    if unknown:
        raise InvalidInput(
            f"{where}: unknown indicator group {quoted(unknown[0], 40)}; groups: {', '.join(known)}"
        )
    total = Decimal(0)
    parts: dict[str, str] = {}
    values: dict[str, dict[str, Any]] = {}
    for group in settings.groups:
        given = scores.get(group.name)
        if not isinstance(given, Mapping):
            raise InvalidInput(
                f"{where}: group {group.name} is missing or not a mapping of items; "
                f"give {', '.join(group.items)}"
            )
        extra = [str(k) for k in given if k not in group.items]
        if extra:
            raise InvalidInput(
                f"{where}: unknown item {quoted(extra[0], 40)} in {group.name}; items: "
                f"{', '.join(group.items)}"
            )
        missing = [i for i in group.items if i not in given]
        if missing:
            raise InvalidInput(f"{where}: {group.name}: no value for {', '.join(missing)}")
        earned = sum(
            (group.items[i] * _fraction(group, i, given[i], f"{where}: {group.name}.{i}")
             for i in group.items),
            Decimal(0),
        )  # fmt: skip
        part = Decimal(group.weight) * earned / sum(group.items.values())
        total += part
        parts[group.name] = str(part.quantize(_CENT, ROUND_HALF_UP))
        values[group.name] = {str(k): _plain(v) for k, v in given.items()}
    final = total.quantize(_CENT, ROUND_HALF_UP)
    return Scored(final, grade_of(final, settings.grades), parts, values)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def exit_review_due(trigger: str, recent_grades: Sequence[str]) -> bool:
    """Whether an organization's evaluations, newest first, open an exit review."""
    if not recent_grades:
        return False
    if trigger == "one_fail":
        return recent_grades[0] == FAILING
    return len(recent_grades) >= 2 and all(g in LOW_GRADES for g in recent_grades[:2])
