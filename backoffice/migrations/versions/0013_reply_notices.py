"""Deputies told their reply is ready (issue 13): a reminded item of the new kind 答复告知
records the reply a lead deputy was texted about, once ever per opinion and reply

A step back forgets who was told (the messages stay in the outbox).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_NOTICE = "kind = '答复告知'"


def _kind(batch_op, values: tuple[str, ...], length: int, was: int) -> None:
    """Let kind hold values, its CHECK (named as the model's Enum names it) saying so."""
    batch_op.drop_constraint(batch_op.f("ck_reminder_items_reminder_kind"), type_="check")
    batch_op.alter_column("kind", existing_type=sa.String(was),
                          type_=sa.String(length),
                          existing_nullable=False)
    listed = ", ".join(f"'{value}'" for value in values)
    batch_op.create_check_constraint(batch_op.f("ck_reminder_items_reminder_kind"),
                                     sa.text(f"kind IN ({listed})"))


def upgrade():
    with op.batch_alter_table("reminder_items", schema=None) as batch_op:
        _kind(batch_op, ("提醒", "催办", "答复告知"), length=16, was=8)
    op.create_index("uq_reminder_items_reply_notice", "reminder_items", ["opinion_id", "step"],
                    unique=True, sqlite_where=sa.text(_NOTICE),
                    postgresql_where=sa.text(_NOTICE))


def downgrade():
    op.drop_index("uq_reminder_items_reply_notice", table_name="reminder_items")
    op.execute(f"DELETE FROM reminder_items WHERE {_NOTICE}")
    with op.batch_alter_table("reminder_items", schema=None) as batch_op:
        _kind(batch_op, ("提醒", "催办"), length=8, was=16)
