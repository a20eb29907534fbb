"""List pages issue a fixed number of queries, whatever the page size (no N+1)."""

import pytest
import sqlalchemy as sa

from backoffice.extensions import db


def _queries_for(app, client, url: str) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize(
    "path", ["/admin/opinion/", "/admin/co_handling/", "/admin/unit/", "/admin/notice/"]
)
def test_list_query_count_does_not_grow_with_rows(as_user, app, path) -> None:
    client = as_user("operator")
    few = _queries_for(app, client, f"{path}?page_size=5")
    many = _queries_for(app, client, f"{path}?page_size=100")
    assert few == many
    assert many <= 16  # the opinions' standing columns read the page's deadlines in 4
