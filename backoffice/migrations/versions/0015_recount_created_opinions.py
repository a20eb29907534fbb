"""The dashboard's counts counted afresh: an opinion created on a screen (with nothing
else counted in the same save) was left out of them until this release

Revision ID: 0015
Revises: 0014
"""

from alembic import op
from sqlalchemy import orm

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    from backoffice import spans

    spans.recount_all(orm.Session(bind=op.get_bind()))


def downgrade():
    pass  # derived data: the counts stay right
