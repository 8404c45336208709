"""The imperative mapping of the domain classes onto the tables, done once per process."""

from __future__ import annotations

from sqlalchemy.orm import registry

from supervise import model
from supervise.adapters.orm.bureau_tables import (
    areas,
    contract_townships,
    contracts,
    evaluations,
    institution_links,
    org_history,
    org_townships,
)
from supervise.adapters.orm.case_tables import (
    audit,
    bans,
    calendar_years,
    cases,
    deadlines,
    edits,
    history,
    notice_services,
    notices,
    organizations,
    outbox,
    persons,
    users,
)
from supervise.adapters.orm.column_types import metadata

mapper_registry = registry(metadata=metadata)
_mapped = False


def start_mappers() -> None:
    """Map the domain classes once per process (idempotent)."""
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(
        model.Organization, organizations, version_id_col=organizations.c.version
    )
    mapper_registry.map_imperatively(model.Person, persons, version_id_col=persons.c.version)
    mapper_registry.map_imperatively(model.Edit, edits)
    mapper_registry.map_imperatively(model.Case, cases, version_id_col=cases.c.version)
    mapper_registry.map_imperatively(model.HistoryEntry, history)
    mapper_registry.map_imperatively(model.Deadline, deadlines)
    mapper_registry.map_imperatively(model.Ban, bans)
    mapper_registry.map_imperatively(model.CalendarYear, calendar_years)
    mapper_registry.map_imperatively(model.Notice, notices)
    mapper_registry.map_imperatively(model.NoticeService, notice_services)
    mapper_registry.map_imperatively(model.User, users, version_id_col=users.c.version)
    mapper_registry.map_imperatively(model.OutboxMessage, outbox)
    mapper_registry.map_imperatively(model.Area, areas)
    mapper_registry.map_imperatively(model.OrgTownship, org_townships)
    mapper_registry.map_imperatively(model.InstitutionLink, institution_links)
    mapper_registry.map_imperatively(model.OrgHistoryEntry, org_history)
    mapper_registry.map_imperatively(model.Contract, contracts, version_id_col=contracts.c.version)
    mapper_registry.map_imperatively(model.ContractTownship, contract_townships)
    mapper_registry.map_imperatively(model.Evaluation, evaluations)
    mapper_registry.map_imperatively(model.AuditEntry, audit)
    _mapped = True
