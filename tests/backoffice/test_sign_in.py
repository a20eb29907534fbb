"""Sign-in and sign-out pages, cookies and CSRF."""

import pytest

from tests.conftest import PASSWORD, csrf_token, sign_in

# The page, the cookie's flags and the CSRF check are the app's, whatever the database;
# signing in on PostgreSQL is every `as_user` there.
NO_DATABASE_IN_IT = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@NO_DATABASE_IN_IT
def test_sign_in_page_is_chinese_and_rejects_a_wrong_password(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "用户名" in page and "密码" in page and "登录" in page
    response = sign_in(client, "operator", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)


@NO_DATABASE_IN_IT
def test_session_cookie_is_httponly_and_samesite(client) -> None:
    response = sign_in(client, "operator")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@NO_DATABASE_IN_IT
def test_posts_without_the_csrf_token_are_refused(client) -> None:
    response = client.post("/login", data={"username": "operator", "password": PASSWORD})
    assert response.status_code in (200, 400)
    assert client.get("/admin/opinion/").status_code == 302  # still signed out
    sign_in(client, "operator")
    edit = client.post("/admin/opinion/edit/?id=1", data={"title": "没有令牌"})
    assert edit.status_code == 400


def test_sign_out_ends_the_session(client) -> None:
    sign_in(client, "operator")
    token = csrf_token(client, "/admin/")
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    assert "您已退出登录" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_an_inactive_user_cannot_sign_in(app, client) -> None:
    from backoffice.extensions import db
    from backoffice.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(username="leader").one()
        user.active = False
        db.session.commit()
    assert sign_in(client, "leader").status_code == 200
