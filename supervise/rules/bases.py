"""Legal bases: which provision fits an event on this case, and the one chosen."""

from __future__ import annotations

from supervise.errors import GuardRefused, InvalidInput
from supervise.law import (
    DECISION_EVENTS,
    ORG_KINDS,
    PENALTY_OF_EVENT,
    PROPOSAL_EVENTS,
    Basis,
)
from supervise.redact import quoted
from supervise.rules.facts import (
    CaseFacts,
    Params,
    Rulebook,
)

# --- legal bases ------------------------------------------------------------------------


def basis_fits(basis: Basis, penalty: str, facts: CaseFacts, lifelong: bool = False) -> bool:
    if penalty not in basis.allows:
        return False
    # A person who holds no post is in no organization: neither its kind nor charity status
    # restricts the basis (a court's ban is recorded before any appointment it would bar).
    if facts.org_kind is not None:
        if facts.org_kind not in basis.kinds:
            return False
        if basis.charity_only and not facts.org_charity:
            return False
    if penalty == "court_ban" and basis.ban is not None:
        return basis.ban.lifelong if lifelong else basis.ban.max_years > 0
    return True


def choose_basis(event: str, facts: CaseFacts, law: Rulebook, params: Params) -> str | None:
    """The legal basis an event rests on; proposals choose it, decisions reuse it.

    Raises:
        GuardRefused: no basis (or the given one) fits this organization and penalty.
    """
    penalty = PENALTY_OF_EVENT.get(event)
    if penalty is None:
        return None
    if event in DECISION_EVENTS:
        return facts.proceeding_basis
    what = _describe_org(facts)
    if params.basis is not None:
        basis = law.bases.get(params.basis)
        if basis is None:
            known = ", ".join(law.bases)
            raise InvalidInput(f"unknown basis {params.basis!r}; configured bases: {known}")
        if not basis_fits(basis, penalty, facts, params.lifelong):
            raise GuardRefused(
                f"{event} refused: basis {params.basis} ({basis.citation}) does not allow "
                f"{penalty.replace('_', ' ')} for {what}",
                rule="basis",
            )
        return params.basis
    fitting = [k for k, b in law.bases.items() if basis_fits(b, penalty, facts, params.lifelong)]
    if len(fitting) == 1:
        return fitting[0]
    if not fitting:
        raise GuardRefused(
            f"{event} refused: no configured legal basis allows "
            f"{penalty.replace('_', ' ')} for {what} (行政处罚法 Art. 16: a penalty needs a "
            "law, regulation or rule); see `supervise config show` under bases",
            rule="basis",
        )
    raise InvalidInput(
        f"several legal bases fit {event} ({', '.join(fitting)}); choose one with --basis"
    )


def fitting_bases(event: str, facts: CaseFacts, law: Rulebook) -> list[str]:
    penalty = PENALTY_OF_EVENT.get(event)
    if penalty is None:
        return []
    if event in DECISION_EVENTS:
        return [facts.proceeding_basis] if facts.proceeding_basis else []
    if penalty == "court_ban":
        return [
            k
            for k, b in law.bases.items()
            if basis_fits(b, penalty, facts) or basis_fits(b, penalty, facts, lifelong=True)
        ]
    return [k for k, b in law.bases.items() if basis_fits(b, penalty, facts)]


def _describe_org(facts: CaseFacts) -> str:
    if facts.org_kind is None:
        return "a person who holds no post"
    kind = f"a {facts.org_kind} ({ORG_KINDS.get(facts.org_kind, facts.org_kind)})"
    return f"{kind}{' that is a charity' if facts.org_charity else ''}"


def breached(event: str, law: Rulebook, basis_key: str | None, params: Params) -> str | None:
    """The citation of the provision a proposal says was breached (``--breach KEY``, one of
    its basis's ``provisions``), or None when none is given or the event proposes nothing.

    Raises:
        InvalidInput: the key is not one of the basis's provisions.
    """
    if params.breach is None or event not in PROPOSAL_EVENTS:
        return None
    basis = law.bases.get(basis_key or "")
    provisions = basis.provisions if basis is not None else {}
    found = provisions.get(params.breach)
    if found is None:
        listed = "; ".join(
            f"{key} {p.cite}{f' ({p.conduct})' if p.conduct else ''}"
            for key, p in provisions.items()
        )
        raise InvalidInput(
            f"--breach {quoted(params.breach, 20)}: basis {basis_key} lists "
            + (f"these provisions: {listed}" if listed else "no provisions (see `config show`)")
        )
    return found.cite
