"""Assessment rulesets and published results (issue: year-end assessment)

Revision ID: 0003
Revises: 0002

Ships the 2016 and 2017 default rulesets (docs/domain.md, "The assessment") as rows, written out here
rather than imported from `scoring` so that this revision always seeds the same rules.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_RULES_2017 = {
    "year": 2017,
    "grade_values": {
        "good": "1.0", "fairly_good": "0.8", "average": "0.6", "fairly_poor": "0.3", "poor": "0",
    },
    "lead_weights": {"satisfaction": "40", "resolution": "20", "contact": "20", "timeliness": "20"},
    "co_weights": {"lead_grade": "50", "deputy_grade": "30", "timeliness": "20"},
    "co_handling_share": "0.5",
    "praise_points": "1",
    "praise_cap": "5",
    "return_penalty": "2",
    "notice_penalty": "3",
    "unsigned_reference_penalty": "2",
    "liaison_tolerance": 1,
    "liaison_penalty": "2",
    "min_score": "80",
    "min_lead": 3,
    "exclude_overdue": 3,
    "downgrade_overdue": 1,
    "advanced": 12,
    "tiers": [
        {"size": 4, "bonus": "0.3"}, {"size": 4, "bonus": "0.2"}, {"size": 4, "bonus": "0.1"},
    ],
}
_RULES_2016 = {
    **_RULES_2017,
    "year": 2016,
    "exclude_overdue": 1,
    "downgrade_overdue": None,
    "advanced": 10,
    "tiers": [{"size": 10, "bonus": "0.1"}],
}


def upgrade():
    rulesets = op.create_table(
        "assessment_rulesets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_rulesets")),
        sa.UniqueConstraint("year", name=op.f("uq_assessment_rulesets_year")),
    )
    op.create_table(
        "published_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("explanations", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_assessments")),
        sa.UniqueConstraint(
            "year", "version", name=op.f("uq_published_assessments_year_version")
        ),
    )
    with op.batch_alter_table("published_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_published_assessments_year"), ["year"], unique=False
        )
    now = datetime.now(UTC)
    op.bulk_insert(
        rulesets,
        [
            {"year": rules["year"], "rules": rules, "updated_at": now, "updated_by": "默认规则"}
            for rules in (_RULES_2016, _RULES_2017)
        ],
    )


def downgrade():
    with op.batch_alter_table("published_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_published_assessments_year"))
    op.drop_table("published_assessments")
    op.drop_table("assessment_rulesets")
