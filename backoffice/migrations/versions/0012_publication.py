"""公开审核 (issue 13): the office's decision on publishing each consented reply

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _vocabulary(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values) * 4)


def upgrade():
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opinion_id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("status", _vocabulary(
            "publication_status", ("待审核", "已公开", "不予公开", "已撤回")), nullable=False),
        sa.Column("reason", _vocabulary("decline_reason", (
            "涉及国家秘密、工作秘密", "涉及个人隐私", "涉及商业秘密", "内容仍在办理、不宜公开",
            "其他（须说明）")), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["opinion_id"], ["opinions.id"],
                                name=op.f("fk_publications_opinion_id_opinions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("opinion_id", name=op.f("uq_publications_opinion_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_publications_public_id")),
    )
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_publications_status"), ["status"], unique=False)


def downgrade():
    op.drop_table("publications")
