"""bureau: areas, organization lifecycle, links, contracts, evaluations

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 02:35:50.644371
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("township", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("code", name=op.f("uq_areas_code")),
        sa.UniqueConstraint("district", "township", name=op.f("uq_areas_district_township")),
    )
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_areas_district"), ["district"], unique=False)

    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_contracts_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contracts_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contracts_status"), ["status"], unique=False)

    op.create_table(
        "institution_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("linked_by", sa.String(length=100), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.Column("unlinked_by", sa.String(length=100), nullable=True),
        sa.Column("unlinked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_institution_links_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_links")),
    )
    with op.batch_alter_table("institution_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_institution_links_district"), ["district"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_institution_links_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "org_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_org_history_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_history")),
        sa.UniqueConstraint(
            "organization_id", "seq", name=op.f("uq_org_history_organization_id_seq")
        ),
    )
    op.create_table(
        "org_townships",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_org_townships_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_org_townships_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "area_id", name=op.f("pk_org_townships")),
    )
    with op.batch_alter_table("org_townships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_townships_area_id"), ["area_id"], unique=False)

    op.create_table(
        "contract_townships",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_contract_townships_area_id_areas")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_townships_contract_id_contracts"),
        ),
        sa.PrimaryKeyConstraint("contract_id", "area_id", name=op.f("pk_contract_townships")),
    )
    with op.batch_alter_table("contract_townships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_townships_area_id"), ["area_id"], unique=False
        )

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_evaluations_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_evaluations_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["evaluations.id"],
            name=op.f("fk_evaluations_supersedes_id_evaluations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_evaluations_supersedes_id")),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluations_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluations_organization_id"), ["organization_id"], unique=False
        )

    # Organizations registered before: not marked professional, no services recorded. The
    # defaults fill the existing rows and are dropped again (the ORM gives every value).
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("professional", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("services", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.create_index(batch_op.f("ix_organizations_status"), ["status"], unique=False)
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.alter_column("professional", server_default=None)
        batch_op.alter_column("services", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizations_status"))
        batch_op.drop_column("services")
        batch_op.drop_column("professional")

    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluations_organization_id"))
        batch_op.drop_index(batch_op.f("ix_evaluations_contract_id"))

    op.drop_table("evaluations")
    with op.batch_alter_table("contract_townships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_townships_area_id"))

    op.drop_table("contract_townships")
    with op.batch_alter_table("org_townships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_townships_area_id"))

    op.drop_table("org_townships")
    op.drop_table("org_history")
    with op.batch_alter_table("institution_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institution_links_organization_id"))
        batch_op.drop_index(batch_op.f("ix_institution_links_district"))

    op.drop_table("institution_links")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_status"))
        batch_op.drop_index(batch_op.f("ix_contracts_organization_id"))

    op.drop_table("contracts")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_areas_district"))

    op.drop_table("areas")
