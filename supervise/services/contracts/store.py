"""The SQL of service contracts and evaluations (service layer)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert, select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import areas as areas_table
from supervise.adapters.orm import contract_townships as ct
from supervise.adapters.orm import contracts as contracts_table
from supervise.adapters.orm import evaluations as ev
from supervise.adapters.orm import organizations as orgs_table
from supervise.errors import NotFound

OPEN = "open"
TERMINATED = "terminated"
STATUSES = (OPEN, TERMINATED)
CURRENT = "current"
SUPERSEDED = "superseded"


def terminate_open(uow: UnitOfWork, org_id: int, day: date, reason: str) -> list[int]:
    """Terminate an organization's open contracts on ``day``; their ids."""
    rows = list(
        uow.session.scalars(
            select(model.Contract)
            .where(contracts_table.c.organization_id == org_id, contracts_table.c.status == OPEN)
            .order_by(contracts_table.c.id)
        )
    )
    for contract in rows:
        contract.status = TERMINATED
        contract.end_reason = reason
    return [c.id for c in rows]


def get_contract(uow: UnitOfWork, contract_id: int) -> model.Contract:
    contract = uow.session.get(model.Contract, contract_id)
    if contract is None:
        raise NotFound(f"no contract with id {contract_id}; see `supervise contract list`")
    return contract


def org_of_contract(uow: UnitOfWork, contract_id: int) -> int:
    org_id = uow.session.scalar(
        select(contracts_table.c.organization_id).where(contracts_table.c.id == contract_id)
    )
    if org_id is None:
        raise NotFound(f"no contract with id {contract_id}; see `supervise contract list`")
    return int(org_id)


def townships_of(uow: UnitOfWork, contract_ids: Sequence[int]) -> dict[int, list[str]]:
    """The 区县/乡镇 each contract covers."""
    out: dict[int, list[str]] = {}
    if not contract_ids:
        return out
    rows = uow.session.execute(
        select(ct.c.contract_id, areas_table.c.district, areas_table.c.township)
        .join(areas_table, areas_table.c.id == ct.c.area_id)
        .where(ct.c.contract_id.in_(list(contract_ids)))
        .order_by(areas_table.c.district, areas_table.c.code)
    )
    for contract_id, district, township in rows:
        out.setdefault(contract_id, []).append(f"{district}/{township}")
    return out


def add_townships(uow: UnitOfWork, contract_id: int, area_ids: Sequence[int]) -> None:
    if area_ids:
        uow.session.execute(
            insert(ct), [{"contract_id": contract_id, "area_id": a} for a in area_ids]
        )


def list_contracts(
    uow: UnitOfWork,
    org_id: int | None,
    district: str | None,
    status: str | None,
    limit: int,
    districts: Sequence[str] | None = None,
) -> list[tuple[model.Contract, model.Organization]]:
    """Contracts with their organizations; ``districts`` (a user's) narrows them."""
    query = (
        select(model.Contract, model.Organization)
        .join(orgs_table, orgs_table.c.id == contracts_table.c.organization_id)
        .order_by(contracts_table.c.id)
        .limit(limit)
    )
    if org_id is not None:
        query = query.where(contracts_table.c.organization_id == org_id)
    if district is not None:
        query = query.where(orgs_table.c.district == district)
    if status is not None:
        query = query.where(contracts_table.c.status == status)
    if districts is not None:
        query = query.where(orgs_table.c.district.in_(list(districts)))
    return [(c, o) for c, o in uow.session.execute(query).all()]


def evaluations_of(uow: UnitOfWork, contract_id: int) -> list[model.Evaluation]:
    return list(
        uow.session.scalars(
            select(model.Evaluation).where(ev.c.contract_id == contract_id).order_by(ev.c.id)
        )
    )


def evaluations_by_id(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, model.Evaluation]:
    if not ids:
        return {}
    rows = uow.session.scalars(select(model.Evaluation).where(ev.c.id.in_(list(ids))))
    return {e.id: e for e in rows}


def recent_grades(uow: UnitOfWork, org_id: int, limit: int = 2) -> list[str]:
    """The grades of an organization's current evaluations, newest first."""
    return list(
        uow.session.scalars(
            select(ev.c.grade)
            .where(ev.c.organization_id == org_id, ev.c.status == CURRENT)
            .order_by(ev.c.evaluated_on.desc(), ev.c.id.desc())
            .limit(limit)
        )
    )
