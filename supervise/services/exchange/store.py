"""The SQL of imports and exports (service layer): Core queries and bulk statements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Row, Select, func, insert, select

from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import (
    areas,
    cases,
    contract_townships,
    contracts,
    evaluations,
    org_history,
    org_townships,
    organizations,
    persons,
)
from supervise.adapters.personal_data import lookup_indexes, open_number, seal_for_insert
from supervise.clock import wall_clock
from supervise.services.areas import store as area_store


def stream(uow: UnitOfWork, query: Select[Any], batch: int) -> Iterator[Row[Any]]:
    """The rows of ``query``, fetched ``batch`` at a time (server-side on PostgreSQL)."""
    result = uow.session.execute(query.execution_options(yield_per=batch))
    for part in result.partitions(batch):
        yield from part


Q = TypeVar("Q", bound=Select[Any])


def within(query: Q, districts: Sequence[str] | None) -> Q:
    """``query`` (which names ``organizations``) narrowed to ``districts`` when given."""
    if districts is None:
        return query
    return query.where(organizations.c.district.in_(list(districts)))


def orgs_query(dialect: str) -> Select[Any]:
    return select(organizations, _served_places(dialect).label("serves")).order_by(
        organizations.c.id
    )


def cases_query() -> Select[Any]:
    return (
        select(
            cases.c.id,
            cases.c.organization_id,
            organizations.c.name.label("org_name"),
            organizations.c.credit_code,
            organizations.c.district,
            cases.c.person_id,
            persons.c.name.label("person_name"),
            persons.c.id_number_enc,
            persons.c.id_number_hmac,
            cases.c.role,
            cases.c.state,
            cases.c.supervisor,
            cases.c.created_at,
            cases.c.last_event_at,
        )
        .join(organizations, organizations.c.id == cases.c.organization_id)
        .join(persons, persons.c.id == cases.c.person_id)
        .order_by(cases.c.id)
    )


_TABLES = {"orgs": (organizations, "credit_code"), "persons": (persons, "id_number")}


def id_number_of(uow: UnitOfWork, row: Row[Any]) -> str:
    """The clear number of a row holding ``id_number_enc`` and ``id_number_hmac``."""
    return open_number(uow.session, row.id_number_enc, row.id_number_hmac)


def stored_by_key(uow: UnitOfWork, kind: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The stored rows whose key is among ``keys`` (one query per call), by key; persons
    are found by the keyed hashes of their numbers (one index probe each)."""
    table, key = _TABLES[kind]
    if not keys:
        return {}
    if kind == "persons":
        by_index = {i: k for k in keys for i in lookup_indexes(uow.session, k)}
        query = select(table).where(table.c.id_number_hmac.in_(list(by_index)))
        found: dict[str, dict[str, Any]] = {}
        for row in uow.session.execute(query):
            number = by_index[row.id_number_hmac]
            found[number] = {**dict(row._mapping), "id_number": number}
        return found
    rows = uow.session.execute(select(table).where(table.c[key].in_(keys)))
    found = {row._mapping[key]: dict(row._mapping) for row in rows}
    serves = _served(uow, [r["id"] for r in found.values()])
    for stored in found.values():
        stored["serves"] = serves.get(stored["id"], [])
    return found


def _served(uow: UnitOfWork, org_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The (district, township) places each organization serves."""
    out: dict[int, list[tuple[str, str]]] = {}
    if not org_ids:
        return out
    rows = uow.session.execute(
        select(org_townships.c.organization_id, areas.c.district, areas.c.township)
        .join(areas, areas.c.id == org_townships.c.area_id)
        .where(org_townships.c.organization_id.in_(org_ids))
    )
    for org_id, district, township in rows:
        out.setdefault(org_id, []).append((district, township))
    return out


def insert_rows(
    uow: UnitOfWork, kind: str, rows: list[dict[str, Any]], now: datetime, actor: str
) -> None:
    """Insert ``rows`` (clean values) with one executemany through Core; an organization
    also gets the townships it serves and its lifecycle's first history row, as
    ``org add`` gives it (``registry.records.insert_org``)."""
    table, _ = _TABLES[kind]
    extra: dict[str, Any] = {"created_at": now, "version": 1}
    if kind == "orgs":
        extra["status"] = "active"
        served = {r["credit_code"]: r.get("serves", ()) for r in rows}
        # Issue 12's columns: not professional and no services unless the file says so.
        rows = [
            {"township": None, "email": None, "charity": False, "professional": False,
             **{k: v for k, v in r.items() if k != "serves"},
             "services": list(r.get("services", ())), **extra}
            for r in rows
        ]  # fmt: skip
        uow.session.execute(table.insert(), rows)
        ids = {code: org[0] for code, org in orgs_by_credit_code(uow, list(served)).items()}
        _insert_served(uow, ids, {code: places for code, places in served.items() if places})
        uow.session.execute(
            insert(org_history),
            [{"organization_id": org_id, "seq": 1, "event": "add", "from_state": None,
              "to_state": "active", "at": now, "recorded_at": wall_clock(), "by": actor,
              "reason": None, "data": {"imported": True}}
             for org_id in ids.values()],
        )  # fmt: skip
        return
    rows = [_sealed({"email": None, **r, **extra}, uow) for r in rows]
    uow.session.execute(table.insert(), rows)


def _insert_served(
    uow: UnitOfWork, ids: dict[str, int], served: dict[str, Sequence[tuple[str, str]]]
) -> None:
    """The townships the new organizations serve (by credit code)."""
    if not served:
        return
    area = area_store.area_ids(uow, {p for places in served.values() for p in places})
    uow.session.execute(
        insert(org_townships),
        [{"organization_id": ids[code], "area_id": area[p]}
         for code, places in served.items() for p in places],
    )  # fmt: skip


def _sealed(row: dict[str, Any], uow: UnitOfWork) -> dict[str, Any]:
    clean = dict(row)
    clean["id_number_enc"], clean["id_number_hmac"] = seal_for_insert(
        uow.session, clean.pop("id_number")
    )
    return clean


# -- service contracts and evaluations (issue 12) ----------------------------------------

#: Keys per IN list (well under SQLite's and PostgreSQL's parameter limits).
_IN = 500


def orgs_by_credit_code(uow: UnitOfWork, codes: Sequence[str]) -> dict[str, tuple[int, str, str]]:
    """(id, district, status) of the organizations with these credit codes."""
    out: dict[str, tuple[int, str, str]] = {}
    for start in range(0, len(codes), _IN):
        rows = uow.session.execute(
            select(
                organizations.c.credit_code,
                organizations.c.id,
                organizations.c.district,
                organizations.c.status,
            ).where(organizations.c.credit_code.in_(codes[start : start + _IN]))
        )
        for code, org_id, district, status in rows:
            out[code] = (org_id, district, getattr(status, "value", status))
    return out


def stored_contracts(
    uow: UnitOfWork, org_ids: Sequence[int]
) -> dict[tuple[int, str, date], dict[str, Any]]:
    """The contracts of these organizations by (organization, title, start), with the
    (district, township) places each covers."""
    out: dict[tuple[int, str, date], dict[str, Any]] = {}
    by_id: dict[int, dict[str, Any]] = {}
    for start in range(0, len(org_ids), _IN):
        rows = uow.session.execute(
            select(
                contracts.c.id,
                contracts.c.organization_id,
                contracts.c.title,
                contracts.c.start,
                contracts.c.amount_fen,
                contracts.c.end,
            ).where(contracts.c.organization_id.in_(org_ids[start : start + _IN]))
        )
        for row in rows:
            item = {**row._mapping, "places": []}
            out[(row.organization_id, row.title, row.start)] = item
            by_id[row.id] = item
    ids = sorted(by_id)
    for start in range(0, len(ids), _IN):
        places = uow.session.execute(
            select(contract_townships.c.contract_id, areas.c.district, areas.c.township)
            .join(areas, areas.c.id == contract_townships.c.area_id)
            .where(contract_townships.c.contract_id.in_(ids[start : start + _IN]))
        )
        for contract_id, district, township in places:
            by_id[contract_id]["places"].append((district, township))
    return out


def insert_contracts(
    uow: UnitOfWork, rows: Sequence[dict[str, Any]], actor: str, now: datetime
) -> None:
    """Insert checked contracts with one executemany, then the townships they cover."""
    ids = list(
        uow.session.scalars(
            insert(contracts).returning(contracts.c.id, sort_by_parameter_order=True),
            [
                {
                    "organization_id": r["organization_id"],
                    "title": r["title"],
                    "amount_fen": r["amount_fen"],
                    "start": r["start"],
                    "end": r["end"],
                    "status": "open",
                    "end_reason": None,
                    "evaluation_id": None,
                    "created_at": now,
                    "created_by": actor,
                    "version": 1,
                }
                for r in rows
            ],
        )
    )
    area_ids = area_store.area_ids(uow, {p for r in rows for p in r["places"]})
    links = [
        {"contract_id": contract_id, "area_id": area_ids[place]}
        for contract_id, r in zip(ids, rows, strict=True)
        for place in r["places"]
    ]
    if links:
        uow.session.execute(insert(contract_townships), links)


def _joined_places(dialect: str) -> Any:
    place = areas.c.district + "/" + areas.c.township
    return (
        func.string_agg(place, "、") if dialect == "postgresql" else func.group_concat(place, "、")
    )


def _served_places(dialect: str) -> Any:
    """The 区县/乡镇 an organization serves, as one text (joined in the database)."""
    return (
        select(_joined_places(dialect))
        .select_from(org_townships)
        .join(areas, areas.c.id == org_townships.c.area_id)
        .where(org_townships.c.organization_id == organizations.c.id)
        .scalar_subquery()
    )


def _places(dialect: str) -> Any:
    """The 区县/乡镇 a contract covers, as one text (joined in the database)."""
    joined = _joined_places(dialect)
    return (
        select(joined)
        .select_from(contract_townships)
        .join(areas, areas.c.id == contract_townships.c.area_id)
        .where(contract_townships.c.contract_id == contracts.c.id)
        .scalar_subquery()
    )


def contracts_query(dialect: str) -> Select[Any]:
    return (
        select(
            contracts.c.id,
            contracts.c.organization_id,
            organizations.c.name.label("org_name"),
            organizations.c.credit_code,
            organizations.c.district,
            contracts.c.title,
            contracts.c.amount_fen,
            contracts.c.start,
            contracts.c.end,
            _places(dialect).label("townships"),
            contracts.c.status,
            contracts.c.end_reason,
            contracts.c.evaluation_id,
            evaluations.c.score,
            evaluations.c.grade,
            contracts.c.created_at,
            contracts.c.created_by,
        )
        .join(organizations, organizations.c.id == contracts.c.organization_id)
        .outerjoin(evaluations, evaluations.c.id == contracts.c.evaluation_id)
        .order_by(contracts.c.id)
    )


def evaluations_query() -> Select[Any]:
    return (
        select(
            evaluations.c.id,
            evaluations.c.contract_id,
            contracts.c.title,
            evaluations.c.organization_id,
            organizations.c.name.label("org_name"),
            organizations.c.credit_code,
            organizations.c.district,
            evaluations.c.score,
            evaluations.c.grade,
            evaluations.c.groups,
            evaluations.c.evaluated_on,
            evaluations.c.by,
            evaluations.c.recorded_at,
            evaluations.c.status,
            evaluations.c.supersedes_id,
            evaluations.c.reason,
            evaluations.c.note,
        )
        .join(contracts, contracts.c.id == evaluations.c.contract_id)
        .join(organizations, organizations.c.id == evaluations.c.organization_id)
        .order_by(evaluations.c.id)
    )
