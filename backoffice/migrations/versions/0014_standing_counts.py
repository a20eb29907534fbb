"""The dashboard counted from changes kept by day (issue 12): how many opinions stand each
way on any day, moved by every write, filled here from the opinions already there

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import orm

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "standing_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["congress_sessions.id"],
                                name=op.f("fk_standing_counts_session_id_congress_sessions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_counts")),
        sa.UniqueConstraint("session_id", "kind", "value", "day",
                            name=op.f("uq_standing_counts_session_id_kind_value_day")),
    )
    # Counted by the code of the day: the counts are derived data, rebuilt the same way by
    # `backoffice recount` whenever they are in doubt.
    from backoffice import spans

    spans.recount_all(orm.Session(bind=op.get_bind()))


def downgrade():
    op.drop_table("standing_counts")
