"""case tallies for reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 02:40:00.000000

``case_tallies`` holds how many cases each organization has in each state, kept by
triggers in the database (so the advance path sends no extra statement and no writer can
forget it); ``report cases`` sums it instead of counting a million cases. The index on
history (event, at) serves the report's figures over a period (penalties per month,
closures).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER case_tallies_insert AFTER INSERT ON cases
    BEGIN
        INSERT INTO case_tallies (organization_id, state, n)
        VALUES (NEW.organization_id, NEW.state, 1)
        ON CONFLICT (organization_id, state) DO UPDATE SET n = n + 1;
    END
    """,
    """
    CREATE TRIGGER case_tallies_update AFTER UPDATE OF state, organization_id ON cases
    WHEN OLD.state IS NOT NEW.state OR OLD.organization_id IS NOT NEW.organization_id
    BEGIN
        UPDATE case_tallies SET n = n - 1
        WHERE organization_id = OLD.organization_id AND state = OLD.state;
        INSERT INTO case_tallies (organization_id, state, n)
        VALUES (NEW.organization_id, NEW.state, 1)
        ON CONFLICT (organization_id, state) DO UPDATE SET n = n + 1;
    END
    """,
    """
    CREATE TRIGGER case_tallies_delete AFTER DELETE ON cases
    BEGIN
        UPDATE case_tallies SET n = n - 1
        WHERE organization_id = OLD.organization_id AND state = OLD.state;
    END
    """,
)

# PostgreSQL: both rows of a move are locked in one order (by state), so two supervisors
# moving cases of the same organization in opposite directions wait, never deadlock.
PG_FUNCTION = """
CREATE FUNCTION case_tallies_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO case_tallies (organization_id, state, n)
        VALUES (NEW.organization_id, NEW.state, 1)
        ON CONFLICT (organization_id, state) DO UPDATE SET n = case_tallies.n + 1;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        UPDATE case_tallies SET n = n - 1
        WHERE organization_id = OLD.organization_id AND state = OLD.state;
        RETURN NULL;
    END IF;
    IF OLD.state IS NOT DISTINCT FROM NEW.state
       AND OLD.organization_id IS NOT DISTINCT FROM NEW.organization_id THEN
        RETURN NULL;
    END IF;
    INSERT INTO case_tallies (organization_id, state, n)
    VALUES (NEW.organization_id, NEW.state, 0)
    ON CONFLICT (organization_id, state) DO NOTHING;
    PERFORM 1 FROM case_tallies
    WHERE (organization_id = OLD.organization_id AND state = OLD.state)
       OR (organization_id = NEW.organization_id AND state = NEW.state)
    ORDER BY organization_id, state
    FOR UPDATE;
    UPDATE case_tallies SET n = n - 1
    WHERE organization_id = OLD.organization_id AND state = OLD.state;
    UPDATE case_tallies SET n = n + 1
    WHERE organization_id = NEW.organization_id AND state = NEW.state;
    RETURN NULL;
END
$$
"""
PG_TRIGGER = """
CREATE TRIGGER case_tallies_keep AFTER INSERT OR DELETE OR UPDATE OF state, organization_id
ON cases FOR EACH ROW EXECUTE FUNCTION case_tallies_keep()
"""

FILL = """
INSERT INTO case_tallies (organization_id, state, n)
SELECT organization_id, state, count(*) FROM cases GROUP BY organization_id, state
"""


def upgrade() -> None:
    op.create_table(
        "case_tallies",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_case_tallies_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", "state", name=op.f("pk_case_tallies")),
    )
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_history_event_at"), ["event", "at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    op.execute(FILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_tallies_keep ON cases")
        op.execute("DROP FUNCTION IF EXISTS case_tallies_keep()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS case_tallies_{name}")
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_event_at"))
    op.drop_table("case_tallies")
