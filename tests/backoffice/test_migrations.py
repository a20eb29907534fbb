"""The migrations build exactly the schema the models describe, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backoffice.extensions import db
from backoffice.models import Base

# Alembic cannot compare an index on a DESC expression; the migration creates it as the
# model declares (checked below by name), so its reported difference is not one.
_EXPRESSION_INDEXES = {"ix_opinions_list_order"}


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _ours})
        diffs = compare_metadata(context, Base.metadata)
    return [d for d in diffs if not _about_expression_index(d)]


def _ours(name, type_, _parent) -> bool:
    """Leave out the job queue's own tables (procrastinate's schema, PostgreSQL only)."""
    return not (type_ == "table" and name.startswith("procrastinate_"))


def _about_expression_index(diff) -> bool:
    flat = diff if isinstance(diff, tuple) else diff[0]
    return flat[0] in ("add_index", "remove_index") and flat[1].name in _EXPRESSION_INDEXES


def test_migrated_database_matches_the_models(app) -> None:
    assert _differences(app) == []
    with app.app_context():
        indexes = {i["name"] for i in db.inspect(db.engine).get_indexes("opinions")}
    assert indexes >= _EXPRESSION_INDEXES
