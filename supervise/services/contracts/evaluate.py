"""Evaluate a service contract against the configured indicator system (service layer).

One transaction: the evaluation row, the superseded one's status, the contract's pointer to
its current evaluation and — when the configured trigger says so — the organization's move
to ``under_review`` with its history row. An evaluation is never changed: a correction is a
new evaluation superseding it, with the reason. Two people evaluating the same contract at
once cannot both win: the contract's version column refuses the second (``Conflict``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from supervise import model
from supervise.clock import parse_date, wall_clock
from supervise.errors import Conflict, InvalidInput
from supervise.evaluation import exit_review_due, score
from supervise.inputs import REASON, optional_text, text
from supervise.permissions import districts_of
from supervise.redact import clip, quoted
from supervise.runtime import Runtime
from supervise.services.contracts import store
from supervise.services.contracts.contracts import within_contract
from supervise.services.registry import store as registry
from supervise.services.registry.lifecycle import move
from supervise.states import OrgState
from supervise.userfiles import read_yaml_file
from supervise.views import EvaluationView

_FILE_KEYS = ("scores", "evaluated_on", "note", "contract")
#: States from which a failing grade opens an exit review.
REVIEWABLE = frozenset({OrgState.REGISTERED, OrgState.ACTIVE})


def read_scores(path: Path, contract_id: int) -> tuple[Any, date | None, str | None]:
    """The scores file: ``scores`` (group → item → value), optional ``evaluated_on``,
    ``note`` and ``contract`` (checked against the contract evaluated)."""
    where = f"scores file {clip(str(path))}"
    data = read_yaml_file(path, "scores file")
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{where} must hold a mapping with scores: (see the README)")
    unknown = [str(k) for k in data if k not in _FILE_KEYS]
    if unknown:
        raise InvalidInput(
            f"{where}: unknown key {quoted(unknown[0], 40)}; keys: {', '.join(_FILE_KEYS)}"
        )
    if "scores" not in data:
        raise InvalidInput(f"{where} has no scores: give each indicator group's items")
    named = data.get("contract")
    if named is not None and named != contract_id:
        raise InvalidInput(
            f"{where} is for contract {quoted(named, 20)}, not contract {contract_id}; "
            "check the file"
        )
    on = data.get("evaluated_on")
    day = None
    if on is not None:
        day = parse_date(str(on), f"{where}: evaluated_on")
    note = data.get("note")
    if note is not None and not isinstance(note, str):
        raise InvalidInput(f"{where}: note must be text")
    clean_note = None if note is None else text(note, f"{where}: note", REASON, multiline=True)
    return data["scores"], day, clean_note


def evaluate(
    rt: Runtime,
    actor: str,
    contract_id: int,
    path: Path,
    reason: str | None = None,
) -> EvaluationView:
    """Score a contract from a scores file; grade it; open an exit review if due.

    ``reason`` is required to correct (supersede) the contract's current evaluation, and
    refused when there is none.

    Raises:
        InvalidInput: the file, a score or the date is wrong; a reason is missing or extra.
        NotFound: no such contract.
        Conflict: someone evaluated the contract at the same moment.
    """
    why = optional_text(reason, "--reason", REASON, multiline=True)
    scores, on, note = read_scores(path, contract_id)
    result = score(rt.settings.evaluation, scores, f"scores file {clip(str(path))}")
    today = rt.clock.today()
    day = rt.settings.date_range.day(on, "evaluated_on") if on is not None else today
    if day > today:
        raise InvalidInput(
            f"evaluated_on {day.isoformat()} is in the future (today is {today.isoformat()})"
        )
    now = rt.clock.now()
    with rt.uow() as uow:
        # The organization first, then the contract: the order every writer takes, so a
        # second evaluator waits here and then reads the first one's evaluation.
        org = registry.lock_org(uow, store.org_of_contract(uow, contract_id))
        within_contract(org, contract_id, districts_of(actor))
        contract = store.get_contract(uow, contract_id)
        if day < contract.start:
            raise InvalidInput(
                f"evaluated_on {day.isoformat()} is before the contract began "
                f"({contract.start.isoformat()})"
            )
        previous = None
        if contract.evaluation_id is not None:
            previous = store.evaluations_by_id(uow, [contract.evaluation_id])[
                contract.evaluation_id
            ]
            if why is None:
                raise Conflict(
                    f"contract {contract_id} has evaluation {previous.id} already "
                    f"({previous.score:.2f}, {previous.grade}); to correct it, evaluate again "
                    "with --reason",
                    id=previous.id,
                )
        elif why is not None:
            raise InvalidInput(
                f"contract {contract_id} has no evaluation to correct; leave out --reason"
            )
        row = model.Evaluation(
            contract_id=contract.id,
            organization_id=org.id,
            score=Decimal(result.score),
            grade=result.grade,
            groups=dict(result.groups),
            scores=result.values,
            note=note,
            evaluated_on=day,
            by=actor,
            recorded_at=wall_clock(),
            supersedes_id=None if previous is None else previous.id,
            reason=why,
            status=store.CURRENT,
        )
        if previous is not None:
            previous.status = store.SUPERSEDED
        uow.session.add(row)
        uow.session.flush()
        contract.evaluation_id = row.id  # bumps the contract's version: one winner
        review = False
        trigger = rt.settings.evaluation.exit_review
        if org.status in REVIEWABLE and exit_review_due(trigger, store.recent_grades(uow, org.id)):
            what = "一次评估不合格" if trigger == "one_fail" else "连续两次评估合格及以下"
            move(
                uow, rt, actor, org, "open_review",
                f"{what}：合同 {contract.id} 评估 {row.id}（{result.score} 分，{result.grade}）",
                now, {"evaluation": row.id, "contract": contract.id, "trigger": trigger},
            )  # fmt: skip
            review = True
        uow.commit()
        return EvaluationView.of(row, review)
