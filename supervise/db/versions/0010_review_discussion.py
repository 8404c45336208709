"""法制审核 and 集体讨论: the review and discussion state of a case's next decision (issue 11)

The columns ride on the cases row, so that a decision's guard reads them with the case in
the one read an advance makes: the proposal's fingerprint (what a review freezes), the key
and outcome of the latest legal review, and the key, conclusion and term of the latest
collective discussion. The reviews and discussions themselves are history rows (hash
chained, like every step).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 06:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = (
    ("proposal_key", sa.String(length=16)),
    ("review_key", sa.String(length=20)),
    ("review_outcome", sa.String(length=10)),
    ("discussion_key", sa.String(length=20)),
    ("discussion_decision", sa.String(length=40)),
    ("discussion_years", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
