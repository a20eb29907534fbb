"""Error pages: every HTTP error answers in Chinese with its own status and a way back, a
JSON client gets a Chinese message, and the 500 page renders with the database down."""

import io
import json
import re

import pytest
from flask import abort, request

from tests.conftest import _app, csrf_token

# Werkzeug's and Flask-WTF's English that must not reach a user.
ENGLISH = (
    "Bad Request", "Unauthorized", "Forbidden", "Not Found", "Method Not Allowed",
    "Too Large", "Too Many Requests", "Internal Server Error", "Service Unavailable",
    "The requested URL", "The server", "CSRF", "browser",
)
TITLES = {
    400: "请求无法识别",
    401: "需要登录",
    403: "无权访问",
    404: "页面不存在",
    405: "操作方式不正确",
    413: "上传的内容过大",
    429: "操作过于频繁",
    500: "系统出错",
    503: "系统暂时不可用",
}
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def assert_error_page(response, status: int, title: str, signed_in: bool) -> str:
    """Assert a Chinese error page with the status, its title and the links back."""
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert response.mimetype == "text/html"
    assert f'<h1 class="h4">{title}</h1>' in page
    assert f"错误代码 {status}" in page
    assert [word for word in ENGLISH if word in page] == []
    assert 'href="/admin/">首页</a>' in page
    assert "data-history-back>返回上一页</a>" in page
    assert ('href="/login">登录</a>' in page) is not signed_in
    return page


@pytest.fixture
def aborting(app):
    """Add a route that answers the HTTP error of its URL, with ?message= as its own text,
    and one that fails as a bug does."""

    def fail(code: int):
        abort(code, description=request.args.get("message"))

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_url_rule("/test-error/<int:code>", "test_error", fail)
    app.add_url_rule("/test-broken", "test_broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the real 500 page, as in production
    return app


@SQLITE_ONLY
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_every_error_answers_a_chinese_page_with_its_status(
    aborting, client, as_user, signed_in
) -> None:
    if signed_in:
        as_user("leader")
    for status, title in TITLES.items():
        page = assert_error_page(client.get(f"/test-error/{status}"), status, title, signed_in)
        assert re.search(r"<p>[^<]+。</p>", page), status  # a plain explanation
    page = assert_error_page(client.get("/test-broken"), 500, "系统出错", signed_in)
    assert "a bug" not in page


@SQLITE_ONLY
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_unknown_pages_wrong_methods_and_big_uploads_as_they_happen(
    client, as_user, app, signed_in
) -> None:
    if signed_in:
        as_user("operator")
    assert_error_page(client.get("/no/such/page"), 404, "页面不存在", signed_in)
    assert_error_page(client.get("/admin/no-such-view/"), 404, "页面不存在", signed_in)

    wrong_method = client.get("/logout")
    assert_error_page(wrong_method, 405, "操作方式不正确", signed_in)
    assert set(wrong_method.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}

    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    # The body as bytes: a dict of files would spool to a temporary file left open.
    upload = client.post(
        "/admin/imports/upload" if signed_in else "/login",
        data=b"x" * (3 * 1024 * 1024),
        content_type="multipart/form-data; boundary=boundary",
    )
    page = assert_error_page(upload, 413, "上传的内容过大", signed_in)
    assert "超过了 2 MB 的上限" in page


@SQLITE_ONLY
def test_a_form_with_a_stale_csrf_token_says_the_page_expired(client) -> None:
    response = client.post("/login", data={"username": "operator", "password": "x"})
    page = assert_error_page(response, 400, "页面已过期", signed_in=False)
    assert "请刷新页面后重新提交" in page


def test_a_record_out_of_reach_answers_in_chinese(as_user) -> None:
    admin = as_user("operator")
    assert_error_page(admin.get("/admin/opinion/edit/?id=99999999"), 404, "页面不存在", True)
    assert_error_page(admin.get("/admin/opinion/details/?id=abc"), 404, "页面不存在", True)


def test_a_role_without_the_right_gets_a_chinese_403(as_user) -> None:
    unit = as_user("pujiang")
    assert_error_page(unit.get("/admin/user/"), 403, "无权访问", signed_in=True)


@SQLITE_ONLY
def test_a_views_own_chinese_message_is_shown_and_english_ones_are_not(aborting, client):
    own = client.get("/test-error/400?message=第3行的日期“2017-13-01”无法识别。")
    assert "第3行的日期“2017-13-01”无法识别。" in assert_error_page(
        own, 400, "请求无法识别", signed_in=False
    )
    english = client.get("/test-error/400?message=Invalid page number.")
    assert "Invalid" not in assert_error_page(english, 400, "请求无法识别", signed_in=False)


@SQLITE_ONLY
def test_back_goes_to_the_referring_page_of_this_site_only(client) -> None:
    ours = client.get("/no/such/page", headers={"Referer": "http://localhost/admin/opinion/"})
    assert 'href="http://localhost/admin/opinion/" data-history-back' in ours.get_data(True)
    theirs = client.get("/no/such/page", headers={"Referer": "https://example.org/x"})
    assert 'href="/admin/" data-history-back' in theirs.get_data(True)


@SQLITE_ONLY
def test_a_json_client_gets_a_chinese_message_with_the_status(client, as_user) -> None:
    wanted = {"Accept": "application/json, text/javascript, */*; q=0.01"}  # jQuery's ajax
    missing = client.get("/no/such/page", headers=wanted)
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "页面不存在"
    assert missing.get_json()["status"] == 404
    unit = as_user("pujiang")
    refused = unit.get("/admin/user/ajax/lookup/?name=unit&query=a", headers=wanted)
    assert refused.status_code == 403
    body = json.dumps(refused.get_json(), ensure_ascii=False)
    assert "无权访问" in body and [w for w in ENGLISH if w in body] == []


@SQLITE_ONLY
@pytest.mark.parametrize(
    "unreachable",
    [
        "sqlite:////nonexistent/folder/backoffice.sqlite3",
        # Nothing listens on the discard port.
        "postgresql+psycopg://postgres@127.0.0.1:9/backoffice",
    ],
    ids=["sqlite-down", "postgresql-down"],
)
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_an_unreachable_database_answers_the_503_page(
    client, as_user, tmp_path, unreachable, signed_in
) -> None:
    broken = _app(unreachable, tmp_path, PROPAGATE_EXCEPTIONS=False).test_client()
    if signed_in:
        as_user("operator")  # on the working database, for a real session cookie
        token = csrf_token(client, "/admin/opinion/")  # (the token's secret is in it)
        broken.set_cookie("session", client.get_cookie("session").value)
        response = broken.get("/admin/opinion/")
    else:
        token = csrf_token(broken, "/login")  # the sign-in page asks no database
        response = broken.post(
            "/login", data={"username": "operator", "password": "x", "csrf_token": token}
        )
    page = assert_error_page(response, 503, "系统暂时不可用", signed_in)
    assert "请稍后再试" in page and response.headers["Retry-After"] == "30"
    assert "重新提交" not in page  # a sign-in form, with its password, is never kept
    if signed_in:
        # Never written back: a password, or a file (which cannot be).
        with_password = broken.post("/admin/user/new/", data={
            "username": "someone", "password": "Secret-typed-here-1", "csrf_token": token})
        page = assert_error_page(with_password, 503, "系统暂时不可用", signed_in)
        assert "重新提交" not in page and "Secret-typed-here-1" not in page
        upload = broken.post("/admin/opinion/attachments/", data={
            "kind": "答复函", "csrf_token": token, "file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")})
        page = assert_error_page(upload, 503, "系统暂时不可用", signed_in)
        assert "重新提交" not in page and "所选文件未能上传" in page
