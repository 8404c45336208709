"""The tables of the bureau's view (issue 12): areas, links, organizations' lifecycle, contracts,
evaluations, tallies.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from supervise.adapters.orm.column_types import UtcDateTime, metadata

areas = Table(
    "areas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("district", String(100), nullable=False, index=True),
    Column("township", String(100), nullable=False),
    Column("kind", String(4), nullable=False),
    Column("code", String(12), nullable=False, unique=True),
    Column("loaded_at", UtcDateTime, nullable=False),
    Column("loaded_by", String(100), nullable=False),
    UniqueConstraint("district", "township"),
)

org_townships = Table(
    "org_townships",
    metadata,
    Column("organization_id", ForeignKey("organizations.id"), primary_key=True),
    Column("area_id", ForeignKey("areas.id"), primary_key=True, index=True),
)

institution_links = Table(
    "institution_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), nullable=False, index=True),
    Column("institution", String(200), nullable=False),
    Column("district", String(100), nullable=False, index=True),
    Column("since", Date, nullable=False),
    Column("until", Date),
    Column("linked_by", String(100), nullable=False),
    Column("linked_at", UtcDateTime, nullable=False),
    Column("unlinked_by", String(100)),
    Column("unlinked_at", UtcDateTime),
)

org_history = Table(
    "org_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("event", String(40), nullable=False),
    Column("from_state", String(20)),
    Column("to_state", String(20), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("by", String(100), nullable=False),
    Column("reason", Text),
    Column("data", JSON, nullable=False),
    # One row per (organization, seq): a second writer of the same step fails.
    UniqueConstraint("organization_id", "seq"),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    # Money in fen (分): whole numbers, never a float.
    Column("amount_fen", BigInteger, nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("status", String(12), nullable=False, index=True),
    Column("end_reason", Text),
    # The current evaluation (no foreign key: evaluations refer to contracts).
    Column("evaluation_id", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("version", Integer, nullable=False),
)

contract_townships = Table(
    "contract_townships",
    metadata,
    Column("contract_id", ForeignKey("contracts.id"), primary_key=True),
    Column("area_id", ForeignKey("areas.id"), primary_key=True, index=True),
)

evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contract_id", ForeignKey("contracts.id"), nullable=False, index=True),
    Column("organization_id", ForeignKey("organizations.id"), nullable=False, index=True),
    Column("score", Numeric(5, 2), nullable=False),
    Column("grade", String(4), nullable=False),
    Column("groups", JSON, nullable=False),
    Column("scores", JSON, nullable=False),
    Column("note", Text),
    Column("evaluated_on", Date, nullable=False),
    Column("by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    # A correction supersedes exactly one evaluation, and each is superseded at most once.
    Column("supersedes_id", ForeignKey("evaluations.id"), unique=True),
    Column("reason", Text),
    Column("status", String(12), nullable=False),
)
#: How many cases each organization has in each state, kept by triggers in the database
#: (revision 0005): ``report cases`` sums these rows instead of counting every case.
case_tallies = Table(
    "case_tallies",
    metadata,
    Column("organization_id", ForeignKey("organizations.id"), primary_key=True),
    Column("state", String(32), primary_key=True),
    Column("n", Integer, nullable=False),
)

#: Tables the database keeps itself (triggers): copies and restores leave them out, the
#: triggers rebuild them from the rows copied.
DERIVED_TABLES: frozenset[str] = frozenset({"case_tallies"})
