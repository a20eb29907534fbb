"""Two indexes of opinions that no query needs, which every write of an opinion kept up:
session_id alone (the unique key and the list's order lead with it) and the title
(searched by what it contains, which no index serves)

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_opinions_session_id", table_name="opinions")
    op.drop_index("ix_opinions_title", table_name="opinions")


def downgrade():
    op.create_index("ix_opinions_title", "opinions", ["title"])
    op.create_index("ix_opinions_session_id", "opinions", ["session_id"])
