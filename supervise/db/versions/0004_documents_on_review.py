"""documents that hold up on review (issue 10)

The party's address and legal representative (行政处罚法 Art. 59(一)), the measure a prior
notice proposed (Arts. 44, 45, 62), the date of the conduct (Art. 37), the court of a
court's ban and what ended or set it aside, and the reason a service has no receipt.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("legal_representative", sa.String(length=100), nullable=True)
        )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=200), nullable=True))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposed_measure", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("conduct_date", sa.Date(), nullable=True))
    with op.batch_alter_table("bans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("court", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("end_reference", sa.String(length=200), nullable=True))
    with op.batch_alter_table("notice_services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("no_receipt_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice_services", schema=None) as batch_op:
        batch_op.drop_column("no_receipt_reason")
    with op.batch_alter_table("bans", schema=None) as batch_op:
        batch_op.drop_column("end_reference")
        batch_op.drop_column("court")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("conduct_date")
        batch_op.drop_column("proposed_measure")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("address")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("legal_representative")
        batch_op.drop_column("address")
