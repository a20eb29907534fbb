"""催办 from the screens (issue 12): a reminded item says whether it was the daily
reminder or the office's 催办, and each is sent at most once a day

Existing items were all daily reminders. A step back forgets which items were chased (the
old key has room for one item a day; the messages stay in the outbox).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_OLD_KEY = ("unit_id", "opinion_id", "step", "reminded_on")


def upgrade():
    kind = sa.Enum("提醒", "催办", name="reminder_kind", native_enum=False,
                   create_constraint=True, length=8)
    with op.batch_alter_table("reminder_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", kind, nullable=False, server_default="提醒"))
        batch_op.drop_constraint(
            batch_op.f("uq_reminder_items_unit_id_opinion_id_step_reminded_on"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_reminder_items_unit_id_opinion_id_step_reminded_on_kind"),
            [*_OLD_KEY, "kind"])
    with op.batch_alter_table("reminder_items", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)


def downgrade():
    op.execute("DELETE FROM reminder_items WHERE kind = '催办'")
    with op.batch_alter_table("reminder_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_reminder_items_unit_id_opinion_id_step_reminded_on_kind"),
            type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_reminder_items_unit_id_opinion_id_step_reminded_on"), list(_OLD_KEY))
        # SQLite's copy of the table would keep the column's CHECK otherwise.
        batch_op.drop_constraint(batch_op.f("ck_reminder_items_reminder_kind"), type_="check")
        batch_op.drop_column("kind")
