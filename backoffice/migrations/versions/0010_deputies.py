"""Deputies as users (issue 13): a deputy's account, and their answers about a 面商

A user of the new `deputy` role is one deputy of the roster (`users.deputy_id`, one
account per deputy); a deputy confirms a consultation or asks to move it
(`consultation_replies`).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OLD_ROLES = ("operator", "sysadmin", "auditor", "unit", "leader")
NEW_ROLES = (*OLD_ROLES, "deputy")
ANSWERS = ("确认面商", "申请改期")


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint("role", sa.column("role").in_(NEW_ROLES))
        batch_op.add_column(sa.Column("deputy_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_users_deputy_id_deputies"), "deputies",
                                    ["deputy_id"], ["id"])
        batch_op.create_unique_constraint(op.f("uq_users_deputy_id"), ["deputy_id"])
        batch_op.create_check_constraint(
            "deputy_role_has_deputy",
            "(role = 'deputy' AND deputy_id IS NOT NULL) "
            "OR (role <> 'deputy' AND deputy_id IS NULL)")
    op.create_table(
        "consultation_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opinion_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Enum(*ANSWERS, name="consultation_answer", native_enum=False,
                                    create_constraint=True, length=16), nullable=False),
        sa.Column("wished_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["opinion_id"], ["opinions.id"], ondelete="CASCADE",
                                name=op.f("fk_consultation_replies_opinion_id_opinions")),
        sa.ForeignKeyConstraint(["deputy_id"], ["deputies.id"],
                                name=op.f("fk_consultation_replies_deputy_id_deputies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_replies")),
    )
    for column in ("opinion_id", "deputy_id"):
        op.create_index(op.f(f"ix_consultation_replies_{column}"), "consultation_replies",
                        [column])


def downgrade():
    op.drop_table("consultation_replies")
    op.execute("DELETE FROM users WHERE role = 'deputy'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_deputy_role_has_deputy"), type_="check")
        batch_op.drop_constraint(op.f("uq_users_deputy_id"), type_="unique")
        batch_op.drop_constraint(op.f("fk_users_deputy_id_deputies"), type_="foreignkey")
        batch_op.drop_column("deputy_id")
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint("role", sa.column("role").in_(OLD_ROLES))
