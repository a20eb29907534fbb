"""The security screens in a real browser, under the Content-Security-Policy: enrolling a
second factor, choosing a new password, the system administrator's and the auditor's
screens."""

import re

import pyotp
import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import User
from tests.conftest import PASSWORD

# The sign-in, session and log rules run on both databases in tests/backoffice/security.
# The screens are the same.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

def _sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_an_operator_enrols_a_second_factor_and_keeps_the_recovery_codes(
        app, page, artifact_path) -> None:
    app.config["REQUIRE_2FA_FOR_ADMINS"] = True
    _sign_in(page, "operator")
    page.wait_for_url("**/login/second-factor/enrol")
    assert page.locator(".enrol-qr svg").is_visible()
    secret = page.locator(".enrol-secret").inner_text()
    page.get_by_label("验证码").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="启用并登录").click()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-f]{4}(-[0-9a-f]{4}){4}", c)
                                    for c in codes)
    page.screenshot(path=artifact_path("recovery-codes.png"))
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_text("业务管理员").is_visible()


def test_a_password_set_by_someone_else_is_changed_first(app, page) -> None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "leader"))
        user.set_password("Given-by-the-office-9")
        db.session.commit()
    _sign_in(page, "leader", "Given-by-the-office-9")
    page.wait_for_url("**/account/password")
    page.get_by_label("当前密码").fill("Given-by-the-office-9")
    page.get_by_label("新密码", exact=True).fill("Chosen-by-me-2017!")
    page.get_by_label("再次输入新密码").fill("Chosen-by-me-2017!")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_text("密码已修改").is_visible()


def test_the_system_administrator_ends_a_session_from_the_list(page, sign_in_as) -> None:
    sign_in_as("sysadmin")
    page.goto("/admin/user/")
    assert page.get_by_role("cell", name="pujiang", exact=True).is_visible()
    page.goto("/admin/user_session/")
    row = page.locator("tr", has=page.get_by_text("sysadmin", exact=True)).first
    row.locator("input[name=rowid]").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("选中")).click()
    page.get_by_role("link", name="结束会话").click()
    page.wait_for_url("**/login**")  # its own session: signed out at once


def test_the_auditor_filters_the_security_log(app, page, sign_in_as) -> None:
    sign_in_as("auditor")
    page.goto("/admin/security_log/?search=auditor")
    assert page.get_by_role("cell", name="登录", exact=True).first.is_visible()
    assert page.get_by_role("link", name="时间（北京时间）").is_visible()
    page.goto("/admin/audit/")
    assert page.get_by_role("link", name="时间（北京时间）").is_visible()
    assert page.locator("table.model-list tbody tr").count() > 0
