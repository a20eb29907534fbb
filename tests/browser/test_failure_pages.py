"""Failures in a real browser: every one answers a Chinese page with a way back, and a form
submitted while the database is unavailable is kept and saved once it is back."""

import re
import sqlite3
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion
from tests.backoffice.test_error_pages import ENGLISH
from tests.conftest import demo_app, sign_in

pytestmark = [
    pytest.mark.browser,
    # The screens are the same on both databases; PostgreSQL going away is tested
    # behind gunicorn (tests/deploy).
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
TYPED = '新的标题 <b>"粗体"</b> & 其他'


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator:
    """The demo app, with a short wait for a locked database and the real 500 page."""
    def broken() -> None:
        raise RuntimeError("a bug")

    with demo_app(database_url, tmp_path, "operator", DATABASE_BUSY_TIMEOUT=0.2,
                  PROPAGATE_EXCEPTIONS=False, MAX_CONTENT_LENGTH=64 * 1024) as made:
        made.add_url_rule("/test-broken", "test_broken", broken)
        yield made


def _assert_chinese_error(page, status: int, title: str) -> None:
    text = page.locator("main").inner_text()
    assert title in text and f"错误代码 {status}" in text
    assert [word for word in ENGLISH if word in page.content()] == []
    assert page.get_by_role("link", name="返回上一页").is_visible()


def test_failures_answer_chinese_pages_and_a_form_survives_the_database(
    app, page, live_server, tmp_path
) -> None:
    with app.app_context():
        opinion_id = db.session.scalar(
            sa.select(Opinion.id).join(Opinion.session)
            .where(CongressSession.year == 2017, Opinion.number == "0039"))
        database = db.engine.url.database
    # Signed in without the sign-in page and the dashboard, which other tests walk.
    client = app.test_client()
    sign_in(client, "operator")
    page.context.add_cookies([{"name": "session", "url": live_server,
                               "value": client.get_cookie("session").value}])

    for path, status, title in (("/no/such/page", 404, "页面不存在"),
                                ("/logout", 405, "操作方式不正确"),
                                ("/test-broken", 500, "系统出错")):
        assert page.goto(path).status == status
        _assert_chinese_error(page, status, title)

    page.goto(f"/admin/opinion/details/?id={opinion_id}")
    too_big = tmp_path / "答复扫描件.pdf"
    too_big.write_bytes(b"%PDF-1.4\n" + b"0" * 100 * 1024)
    page.locator("input[type=file]").set_input_files(too_big)
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
    _assert_chinese_error(page, 413, "上传的内容过大")
    assert "64 KB" in page.locator("main").inner_text()

    page.goto(f"/admin/opinion/edit/?id={opinion_id}")
    page.locator("#title").fill(TYPED)
    lock = sqlite3.connect(database, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        page.locator("input[type=submit]").first.click()
        page.wait_for_load_state()
        _assert_chinese_error(page, 503, "系统暂时不可用")
        kept = page.locator("form[data-kept-form]")
        assert kept.locator("input[name=title]").get_attribute("value") == TYPED
        assert kept.locator("input[name=csrf_token]").count() >= 1
    finally:
        lock.execute("ROLLBACK")
        lock.close()

    kept.get_by_role("button", name="重新提交").click()
    page.wait_for_url(re.compile(rf".*/admin/opinion/details/\?id={opinion_id}\b.*"))
    assert "保存记录成功" in page.content()
    with app.app_context():
        assert db.session.get(Opinion, opinion_id).title == TYPED
