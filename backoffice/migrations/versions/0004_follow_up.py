"""Reminders outbox and follow-up (issue: deadlines, dashboard, reminders, report)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("liaison_term_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("邮件", "短信", name="outbox_channel", native_enum=False,
                    create_constraint=True, length=8),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("待发送", "已发送", "发送失败", name="outbox_status", native_enum=False,
                    create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["liaison_term_id"], ["liaison_terms.id"],
            name=op.f("fk_outbox_messages_liaison_term_id_liaison_terms"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_outbox_messages_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_as_of"), ["as_of"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_messages_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "reminder_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("opinion_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reminded_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbox_messages.id"],
            name=op.f("fk_reminder_items_message_id_outbox_messages"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opinion_id"], ["opinions.id"],
            name=op.f("fk_reminder_items_opinion_id_opinions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_reminder_items_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_items")),
        sa.UniqueConstraint(
            "unit_id", "opinion_id", "step", "reminded_on",
            name=op.f("uq_reminder_items_unit_id_opinion_id_step_reminded_on"),
        ),
    )
    with op.batch_alter_table("reminder_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_items_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reminder_items_opinion_id"), ["opinion_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("reminder_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_items_opinion_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_items_message_id"))
    op.drop_table("reminder_items")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_unit_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_status"))
        batch_op.drop_index(batch_op.f("ix_outbox_messages_as_of"))
    op.drop_table("outbox_messages")
