"""Reassignment done right (issue 12): deadlines restart, co-handlers added later have
their own, units ask for reassignment or return

An opinion reassigned keeps the date its deadlines count from (`restarted_on`); a
co-handler added after assignment keeps the day it was added and its own 会办意见 deadline;
units' requests and the office's decisions are kept. Existing rows keep their deadlines.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _vocabulary(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values) * 4)


def upgrade():
    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("restarted_on", sa.Date(), nullable=True))
    with op.batch_alter_table("co_handlings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("added_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("co_opinion_due_on", sa.Date(), nullable=True))
    op.create_table(
        "reassignment_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opinion_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", _vocabulary("request_kind", "申请调整", "申请退回"), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", _vocabulary("request_status", "待处理", "已同意", "未同意"),
                  nullable=False),
        sa.Column("to_unit_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["opinion_id"], ["opinions.id"], ondelete="CASCADE",
                                name=op.f("fk_reassignment_requests_opinion_id_opinions")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_reassignment_requests_unit_id_units")),
        sa.ForeignKeyConstraint(["to_unit_id"], ["units.id"],
                                name=op.f("fk_reassignment_requests_to_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reassignment_requests")),
    )
    for column in ("opinion_id", "unit_id", "status"):
        op.create_index(op.f(f"ix_reassignment_requests_{column}"), "reassignment_requests",
                        [column])


def downgrade():
    op.drop_table("reassignment_requests")
    with op.batch_alter_table("co_handlings", schema=None) as batch_op:
        batch_op.drop_column("co_opinion_due_on")
        batch_op.drop_column("added_on")
    with op.batch_alter_table("opinions", schema=None) as batch_op:
        batch_op.drop_column("restarted_on")
