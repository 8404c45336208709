"""personal data at rest: ID numbers sealed (AES-256-GCM) and indexed by HMAC (issue 11)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 06:10:00.000000

The clear ``persons.id_number`` becomes ``id_number_enc`` (sealed) and ``id_number_hmac``
(the keyed hash, unique): every existing number is sealed in this one transaction (an
interrupted upgrade leaves the database as it was, and `supervise init` starts again), with
the key `supervise init` was given (``$SUPERVISE_DATA_KEY`` or ``personal_data.key_file``);
a database without persons needs no key yet. On SQLite the persons table is rebuilt with
``secure_delete`` on, and the write-ahead log is truncated afterwards, so the clear numbers
do not linger in free pages; on PostgreSQL the old row versions stay on disk until
``VACUUM FULL persons`` (the README says so).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from supervise.adapters.personal_data import missing_key_error

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_PERSONS = sa.table(
    "persons",
    sa.column("id", sa.Integer()),
    sa.column("id_number", sa.String()),
    sa.column("id_number_enc", sa.Text()),
    sa.column("id_number_hmac", sa.String()),
)


def _seal_existing() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_PERSONS.c.id, _PERSONS.c.id_number)).all()
    if not rows:
        return
    source = context.config.attributes.get("personal_data")
    if source is None:
        raise missing_key_error()
    cipher = source()
    cipher.check(bind, register=True)
    for person_id, number in rows:
        sealed, index = cipher.seal(number)
        bind.execute(
            _PERSONS.update()
            .where(_PERSONS.c.id == person_id)
            .values(id_number_enc=sealed, id_number_hmac=index)
        )
    cipher.forget_check()


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name=op.f("pk_data_keys")),
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_number_enc", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("id_number_hmac", sa.String(length=64), nullable=True))
    _seal_existing()
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_persons_id_number"), type_="unique")
        batch_op.drop_column("id_number")
        batch_op.alter_column("id_number_enc", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column(
            "id_number_hmac", existing_type=sa.String(length=64), nullable=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_persons_id_number_hmac"), ["id_number_hmac"]
        )


def downgrade() -> None:
    # The clear numbers cannot come back without the key: a downgrade is refused.
    raise RuntimeError("revision 0009 seals ID numbers; restore a backup taken before it")
