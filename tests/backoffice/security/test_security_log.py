"""The security log: each event with its time zone, user, address, object and outcome;
append-only in the database; searched and exported by the auditor alone."""

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import AuditEntry, Opinion, SecurityEvent
from backoffice.models.base import utcnow
from backoffice.security.log import mask_phones
from tests.backoffice.scoping import unrelated_to
from tests.backoffice.security.events import events
from tests.conftest import csrf_token, sign_in


def test_phone_numbers_are_masked() -> None:
    assert mask_phones("联系13812345678或021-64123456，编号20170315") == \
        "联系138****5678或021-****3456，编号20170315"


def test_a_sign_in_is_logged_with_its_time_zone_address_and_outcome(app) -> None:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.8.0.7"
    sign_in(client, "pujiang")
    sign_in(app.test_client(), "13812345678", "Wrong-password-123")
    with app.app_context():
        (entry,) = events("登录", "pujiang")
        assert (entry.role, entry.client_address, entry.object, entry.outcome) == (
            "unit", "10.8.0.7", "用户 pujiang", "成功")
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
        assert abs(at - datetime.now(UTC)) < timedelta(minutes=1)
        (failed,) = events("登录失败")
        assert failed.username == "138****5678" and failed.outcome == "失败"


def test_a_refused_scoped_object_is_logged(app) -> None:
    client = app.test_client()
    sign_in(client, "pujiang")
    with app.app_context():
        foreign = unrelated_to("浦江镇")
        label = str(foreign)
    assert client.get(f"/admin/opinion/details/?id={foreign.id}").status_code == 404
    assert client.get("/admin/user/").status_code == 403
    with app.app_context():
        objects = [e.object for e in events("拒绝访问", "pujiang")]
    assert objects == [f"书面意见 {label}", "页面 用户"]


def test_exports_downloads_imports_and_publishing_are_logged(app) -> None:
    client = app.test_client()
    sign_in(client, "operator")
    assert client.get("/admin/opinion/export/xlsx/").status_code == 200
    response = client.post("/admin/assessment/publish/?year=2017&as_of=2017-12-15",
                           data={"csrf_token": csrf_token(client, "/admin/assessment/")})
    assert response.status_code == 302
    with app.app_context():
        (export,) = events("导出", "operator")
        assert export.object.startswith("书面意见-") and export.object.endswith(".xlsx")
        (published,) = events("发布", "operator")
        assert "2017" in published.object


def test_the_log_cannot_be_changed_or_deleted_even_in_the_database(app) -> None:
    sign_in(app.test_client(), "leader")
    with app.app_context():
        entry_id = db.session.scalar(sa.select(SecurityEvent.id).limit(1))
        for statement in (
            sa.update(SecurityEvent).values(detail="改过").where(SecurityEvent.id == entry_id),
            sa.delete(SecurityEvent).where(SecurityEvent.id == entry_id),
            sa.update(AuditEntry).values(actor="nobody"),
            sa.delete(AuditEntry),
        ):
            with pytest.raises(sa.exc.DatabaseError):
                db.session.execute(statement)
            db.session.rollback()
        assert db.session.get(SecurityEvent, entry_id).detail != "改过"


def test_pruning_deletes_only_entries_past_the_retention_and_says_so(app) -> None:
    with app.app_context():
        old = utcnow() - timedelta(days=200)
        db.session.execute(sa.insert(SecurityEvent), [
            {"at": old, "event": "登录", "outcome": "成功", "username": "gone", "role": "",
             "client_address": "", "object": "", "detail": ""}] * 3)
        db.session.commit()
        kept = db.session.scalar(sa.select(sa.func.count()).select_from(SecurityEvent))
    app.config["SECURITY_LOG_RETENTION_DAYS"] = 30  # below the floor: 180 still holds
    result = app.test_cli_runner().invoke(args=["security-log", "prune"])
    assert result.exit_code == 0 and "已删除 3 条早于 180 天" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SecurityEvent)) \
            == kept - 3 + 1
        (pruned,) = events("清理日志")
        assert pruned.detail == "删除 3 条早于 180 天的记录" and pruned.username == "cli"


def test_the_auditor_searches_and_exports_the_log_and_changes_nothing(app) -> None:
    sign_in(app.test_client(), "leader", "Wrong-password-123")
    auditor = app.test_client()
    sign_in(auditor, "auditor")
    page = auditor.get("/admin/security_log/?search=leader").get_data(as_text=True)
    assert "登录失败" in page and "时间（北京时间）" in page
    sheet = openpyxl.load_workbook(io.BytesIO(
        auditor.get("/admin/security_log/export/xlsx/?search=leader").data)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows and all("leader" in " ".join(map(str, row)) for row in rows)
    with app.app_context():
        entry_id = db.session.scalar(sa.select(SecurityEvent.id).limit(1))
    token = csrf_token(auditor, "/admin/security_log/")
    for url in (f"/admin/security_log/edit/?id={entry_id}", "/admin/security_log/new/",
                "/admin/security_log/delete/", "/admin/audit/delete/"):
        assert auditor.post(url, data={"id": entry_id, "csrf_token": token}).status_code == 403
    with app.app_context():
        opinion_id = db.session.scalar(sa.select(Opinion.id).limit(1))
    assert auditor.get(f"/admin/opinion/edit/?id={opinion_id}").status_code == 403


def test_nobody_but_the_auditor_reads_the_logs(app) -> None:
    for username in ("operator", "sysadmin", "leader", "pujiang"):
        client = app.test_client()
        sign_in(client, username)
        for url in ("/admin/security_log/", "/admin/audit/"):
            assert client.get(url).status_code == 403, (username, url)
