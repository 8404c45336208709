"""Use cases for service contracts: add, list, show (service layer)."""

from __future__ import annotations

from collections.abc import Sequence

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.contracts import ContractInput, clean_contract
from supervise.errors import InvalidInput, NotAllowed, NotFound
from supervise.inputs import DISTRICT, optional_text
from supervise.permissions import districts_of
from supervise.redact import quoted
from supervise.runtime import Runtime
from supervise.services.areas import store as area_store
from supervise.services.contracts import store
from supervise.services.registry import store as registry
from supervise.states import OrgState
from supervise.views import ContractView, EvaluationView

#: Organizations that may be given a new contract.
CONTRACTING_STATES = frozenset({OrgState.REGISTERED, OrgState.ACTIVE})


def contract_view(
    uow: UnitOfWork,
    contract: model.Contract,
    org: model.Organization,
    history: bool = False,
) -> ContractView:
    townships = tuple(store.townships_of(uow, [contract.id]).get(contract.id, []))
    current = None
    if contract.evaluation_id is not None:
        row = store.evaluations_by_id(uow, [contract.evaluation_id]).get(contract.evaluation_id)
        current = None if row is None else EvaluationView.of(row)
    evaluations = (
        tuple(EvaluationView.of(e) for e in store.evaluations_of(uow, contract.id))
        if history
        else ()
    )
    return ContractView(
        contract.id, org.id, org.name, org.district, contract.title, contract.amount_fen,
        contract.start, contract.end, contract.status, contract.end_reason, townships,
        current, evaluations,
    )  # fmt: skip


def within_contract(
    org: model.Organization, contract_id: int, districts: Sequence[str] | None
) -> None:
    """A contract of an organization outside a user's districts is not found."""
    if districts is not None and org.district not in districts:
        raise NotFound(f"no contract with id {contract_id}; see `supervise contract list`")


def add_contract(rt: Runtime, actor: str, data: ContractInput) -> ContractView:
    """Record a service contract with an organization that is registered or active.

    Raises:
        InvalidInput: a field is wrong (amount, dates, townships not loaded).
        NotAllowed: the organization is incubating, under review or has exited.
    """
    with rt.uow() as uow:
        org = registry.lock_org(uow, data.organization)
        registry.within(org, districts_of(actor))
        places = {org.district} | {p.partition("/")[0].strip() for p in data.townships if "/" in p}
        clean = clean_contract(
            data,
            org.district,
            rt.settings.areas.districts,
            area_store.townships_of(uow, places),
            rt.settings.date_range,
        )
        if org.status not in CONTRACTING_STATES:
            raise NotAllowed(
                f"organization {org.id} is {org.status.value}; contracts go to registered or "
                "active organizations"
            )
        contract = model.Contract(
            organization_id=org.id,
            title=clean.title,
            amount_fen=clean.amount_fen,
            start=clean.start,
            end=clean.end,
            status=store.OPEN,
            end_reason=None,
            evaluation_id=None,
            created_at=rt.clock.now(),
            created_by=actor,
        )
        uow.session.add(contract)
        uow.session.flush()
        ids = area_store.area_ids(uow, clean.townships)
        store.add_townships(uow, contract.id, [ids[p] for p in clean.townships])
        uow.commit()
        return contract_view(uow, contract, org)


def show_contract(rt: Runtime, actor: str, contract_id: int) -> ContractView:
    """A contract with every evaluation, superseded ones included."""
    with rt.uow() as uow:
        contract = store.get_contract(uow, contract_id)
        org = registry.get_org(uow, contract.organization_id)
        within_contract(org, contract_id, districts_of(actor))
        return contract_view(uow, contract, org, history=True)


def list_contracts(
    rt: Runtime,
    actor: str,
    org_id: int | None = None,
    district: str | None = None,
    status: str | None = None,
    limit: int = 1000,
) -> list[ContractView]:
    district = optional_text(district, "--district", DISTRICT)
    if status is not None and status not in store.STATUSES:
        raise InvalidInput(f"--status {quoted(status, 30)}: use {' or '.join(store.STATUSES)}")
    with rt.uow() as uow:
        rows = store.list_contracts(uow, org_id, district, status, limit, districts_of(actor))
        ids = [c.id for c, _ in rows]
        townships = store.townships_of(uow, ids)
        current = store.evaluations_by_id(
            uow, [c.evaluation_id for c, _ in rows if c.evaluation_id is not None]
        )
        views = []
        for contract, org in rows:
            row = current.get(contract.evaluation_id) if contract.evaluation_id else None
            views.append(
                ContractView(
                    contract.id,
                    org.id,
                    org.name,
                    org.district,
                    contract.title,
                    contract.amount_fen,
                    contract.start,
                    contract.end,
                    contract.status,
                    contract.end_reason,
                    tuple(townships.get(contract.id, [])),
                    None if row is None else EvaluationView.of(row),
                )  # fmt: skip
            )
        return views
