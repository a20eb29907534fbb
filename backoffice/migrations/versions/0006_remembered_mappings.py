"""Column mappings remembered from the import preview, and the columns each import read
(issue 10: any office's workbooks import with no column map)

A mapping confirmed on the preview is kept by the sheet's header signature and used for
the next sheet laid out alike. Each import run records how it read every column; runs
from before this migration record none.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "remembered_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remembered_mappings")),
        sa.UniqueConstraint("signature", name=op.f("uq_remembered_mappings_signature")),
    )
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("columns", sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_column("columns")
    op.drop_table("remembered_mappings")
