"""What the auditor reads: times entered in a search are Beijing time as the times
shown are, and the security log and the data audit trail show no phone number whole."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_admin.contrib.sqla.filters import (
    DateTimeBetweenFilter,
    DateTimeNotBetweenFilter,
    DateTimeSmallerFilter,
)

from backoffice.extensions import db
from backoffice.models import AuditEntry, Deputy, SecurityEvent, User
from backoffice.security.log import mask_phones
from tests.backoffice.html_forms import form_data
from tests.backoffice.security.events import events
from tests.conftest import sign_in

# 10:00 in Beijing.
MOMENT = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
MARK = "时区检查"


def _add_entries() -> None:
    db.session.execute(sa.insert(SecurityEvent), [{
        "at": MOMENT, "event": "登录", "outcome": "成功", "username": "auditor", "role": "",
        "client_address": "", "object": MARK, "detail": ""}])
    db.session.execute(sa.insert(AuditEntry), [{
        "at": MOMENT, "actor": "operator", "source": "web", "action": "修改",
        "table_name": "deputies", "record_id": "1", "record_label": MARK, "changes": {}}])
    db.session.commit()


def _filter_arg(app, endpoint: str, kind: type) -> str:
    view = next(view for admin in app.extensions["admin"] for view in admin._views
                if view.endpoint == endpoint)
    index, found = next((i, f) for i, f in enumerate(view._filters)
                        if isinstance(f, kind) and not isinstance(f, DateTimeNotBetweenFilter)
                        and f.column.key == "at")
    return f"flt0_{view.get_filter_arg(index, found)}"


@pytest.mark.parametrize("endpoint", ["security_log", "audit"])
def test_the_auditor_searches_by_beijing_time(app, endpoint) -> None:
    with app.app_context():
        _add_entries()
    auditor = app.test_client()
    sign_in(auditor, "auditor")

    def found(kind: type, value: str) -> bool:
        arg = _filter_arg(app, endpoint, kind)
        page = auditor.get(f"/admin/{endpoint}/", query_string={arg: value})
        assert page.status_code == 200
        return MARK in page.get_data(as_text=True)

    # The entry reads 2024-03-01 10:00:00 on the screen; a search around it finds it.
    assert found(DateTimeBetweenFilter, "2024-03-01 09:59:00 to 2024-03-01 10:01:00")
    assert not found(DateTimeBetweenFilter, "2024-03-01 01:59:00 to 2024-03-01 02:01:00")
    assert found(DateTimeSmallerFilter, "2024-03-01 10:01:00")
    assert not found(DateTimeSmallerFilter, "2024-03-01 09:59:00")


@pytest.mark.parametrize(("written", "masked"), [
    ("+8613912345678", "+86139****5678"),
    ("+86 139 1234 5678", "+86 139****5678"),
    ("0086-139-1234-5678", "0086-139****5678"),
    ("139 1234 5678", "139****5678"),
    ("139-1234-5678", "139****5678"),
    ("１３９１２３４５６７８", "139****5678"),
    ("(021)61234567", "(021)****4567"),
    ("页面 用户（查看），电话（０２１）６１２３４５６７", "页面 用户（查看），电话(021)****4567"),
    ("021 6123 4567", "021 ****4567"),
    ("联系13912345678或021-64123456，编号20170315，2017-03-15", "联系139****5678或021-****3456，"
                                                         "编号20170315，2017-03-15"),
])
def test_a_phone_number_is_masked_however_it_is_written(written, masked) -> None:
    assert mask_phones(written) == masked


def test_a_phone_number_typed_as_a_user_name_is_logged_masked(app) -> None:
    sign_in(app.test_client(), "+86 139 1234 5678", "Wrong-password-123")
    with app.app_context():
        (failed,) = events("登录失败")
        assert failed.username == "+86 139****5678"


@pytest.fixture
def app(app):
    """The demo app, exporting the audit trail (the demo's thousands of entries) in the
    request: the same export as a job is tested in tests/backoffice/jobs."""
    app.config["JOBS_ROWS"] = 10**9
    return app


def test_the_data_audit_trail_shows_the_auditor_no_phone_number_whole(app) -> None:
    operator = app.test_client()
    sign_in(operator, "operator")
    with app.app_context():
        deputy_id = db.session.scalar(sa.select(Deputy.id).order_by(Deputy.id))
    url = f"/admin/deputy/edit/?id={deputy_id}"
    data = {**form_data(operator.get(url).get_data(as_text=True)), "phone": "13912345678"}
    assert operator.post(url, data=data).status_code == 302
    auditor = app.test_client()
    sign_in(auditor, "auditor")
    shown = [auditor.get("/admin/audit/").get_data(as_text=True),
             auditor.get("/admin/audit/export/csv/").get_data().decode("utf-8-sig")]
    for text in shown:
        assert "139****5678" in text and "13912345678" not in text


def test_the_data_audit_trail_names_every_change_in_chinese(app) -> None:
    admin = app.test_client()
    sign_in(admin, "sysadmin")
    with app.app_context():
        leader = db.session.scalar(sa.select(User.id).where(User.username == "leader"))
    url = f"/admin/user/edit/?id={leader}"
    data = {**form_data(admin.get(url).get_data(as_text=True)), "role": "operator"}
    assert admin.post(url, data=data).status_code == 302
    auditor = app.test_client()
    sign_in(auditor, "auditor")
    page = auditor.get("/admin/audit/").get_data(as_text=True)
    assert "角色：区领导 → 业务管理员" in page and "网页" in page
    # Every entry (the demo's imports, the test's accounts, the role change) in its export.
    export = auditor.get("/admin/audit/export/csv/").get_data().decode("utf-8-sig")
    # (the menu's link to /admin/import-mappings/ is an address, not a word on screen)
    raw = re.compile(r"\b(?:[a-z_]+：|web|cli|(?<!/)import(?!-))|角色：[a-z]")
    assert {match for match in raw.findall(page + export)} == set()
