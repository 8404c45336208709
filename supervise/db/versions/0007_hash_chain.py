"""hash chains over history and audit; append-only triggers on PostgreSQL (issue 11)

Existing history is chained in place (one chain per case, in seq order) and each case's
head stored, in the migration's transaction; existing audit rows likewise.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 03:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from supervise.adapters.orm import UtcDateTime
from supervise.chain import GENESIS, audit_hash, history_hash

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_HISTORY = sa.table(
    "history",
    sa.column("id", sa.Integer()),
    sa.column("case_id", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("event", sa.String()),
    sa.column("from_state", sa.String()),
    sa.column("to_state", sa.String()),
    sa.column("at", UtcDateTime()),
    sa.column("recorded_at", UtcDateTime()),
    sa.column("by", sa.String()),
    sa.column("reason", sa.Text()),
    sa.column("basis", sa.String()),
    sa.column("data", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
_AUDIT = sa.table(
    "audit",
    sa.column("id", sa.Integer()),
    sa.column("at", UtcDateTime()),
    sa.column("recorded_at", UtcDateTime()),
    sa.column("by", sa.String()),
    sa.column("action", sa.String()),
    sa.column("outcome", sa.String()),
    sa.column("case_id", sa.Integer()),
    sa.column("reason", sa.Text()),
    sa.column("data", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
_CASES = sa.table("cases", sa.column("id", sa.Integer()), sa.column("chain_head", sa.String()))

# PostgreSQL refuses any UPDATE or DELETE of these rows, whoever asks (a superuser can still
# disable the trigger: the hash chain and the anchors catch what that lets through).
_APPEND_ONLY = """
CREATE FUNCTION supervise_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _chain_existing() -> None:
    bind = op.get_bind()
    heads: dict[int, str] = {}
    rows = bind.execute(sa.select(_HISTORY).order_by(_HISTORY.c.case_id, _HISTORY.c.seq))
    for row in list(rows.mappings()):
        prev = heads.get(row["case_id"], GENESIS)
        digest = history_hash(prev, row)
        heads[row["case_id"]] = digest
        bind.execute(
            _HISTORY.update()
            .where(_HISTORY.c.id == row["id"])
            .values(prev_hash=prev, hash=digest)
        )
    for case_id, head in heads.items():
        bind.execute(_CASES.update().where(_CASES.c.id == case_id).values(chain_head=head))
    prev = GENESIS
    for row in list(bind.execute(sa.select(_AUDIT).order_by(_AUDIT.c.id)).mappings()):
        digest = audit_hash(prev, row)
        bind.execute(
            _AUDIT.update().where(_AUDIT.c.id == row["id"]).values(prev_hash=prev, hash=digest)
        )
        prev = digest


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_head", sa.String(length=64), nullable=True))
    for table in ("history", "audit"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing()
    for table in ("history", "audit"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
            batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_audit_prev_hash"), ["prev_hash"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_APPEND_ONLY)
        for table in ("history", "audit"):
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION supervise_append_only()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("history", "audit"):
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION supervise_append_only()")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_prev_hash"), type_="unique")
    for table in ("history", "audit"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("hash")
            batch_op.drop_column("prev_hash")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("chain_head")
