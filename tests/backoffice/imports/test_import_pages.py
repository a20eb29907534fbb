"""The import page: upload, preview, apply, history, annotated file, undo; admins only."""

import io
import re
from urllib.parse import quote

import openpyxl
import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession, ImportRun, Opinion, Role, SecurityEvent, User
from tests.backoffice.imports.tables import (
    BOOKKEEPING,
    LOGS,
    NEW_SESSION,
    assignment_list,
    dump,
    opinion_row,
)
from tests.conftest import PASSWORD, csrf_token, sign_in

BASE = "/admin/imports"


def upload(client, path, **form):
    token = csrf_token(client, f"{BASE}/")
    data = {"csrf_token": token, "kind": "auto", "session": "__new__",
            "new_session_name": NEW_SESSION, "new_session_year": "2018", **form,
            "files": [(io.BytesIO(path.read_bytes()), path.name)]}
    return client.post(f"{BASE}/upload", data=data, content_type="multipart/form-data")


def preview_token(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)
    return re.search(r"/preview/(\w+)/", response.location).group(1)


def opinions_in_new_session() -> list[str]:
    return sorted(db.session.scalars(sa.select(Opinion.number).join(CongressSession)
                                     .where(CongressSession.name == NEW_SESSION)))


def test_upload_preview_apply_history_and_undo(app, as_user, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "交办清单.xlsx", [
            opinion_row(1), opinion_row(2, 主办单位="区交通局"), opinion_row(3)])
        before = dump(exclude=BOOKKEEPING)
    client = as_user("operator")
    token = preview_token(upload(client, path))

    page = client.get(f"{BASE}/preview/{token}/").get_data(as_text=True)
    assert "新增 <strong>2</strong> 行" in page and "有错误 <strong>1</strong> 行" in page
    assert "未知单位“区交通局”" in page and "城市建设和管理!H3" in page
    errors_only = client.get(f"{BASE}/preview/{token}/?outcome=error").get_data(as_text=True)
    assert "区交通局" in errors_only and "关于第1件的建议" not in errors_only

    annotated = client.get(f"{BASE}/preview/{token}/annotated/0")
    book = openpyxl.load_workbook(io.BytesIO(annotated.data))
    annotated.close()
    assert "未知单位“区交通局”" in book["城市建设和管理"]["H3"].comment.text
    assert quote("交办清单-标注.xlsx") in annotated.headers["Content-Disposition"]

    apply_url = f"{BASE}/preview/{token}/apply"
    refused = client.post(apply_url, data={"csrf_token": csrf_token(client, f"{BASE}/")})
    assert refused.status_code == 302 and f"/preview/{token}/" in refused.location
    with app.app_context():
        assert opinions_in_new_session() == []

    applied = client.post(apply_url, data={"csrf_token": csrf_token(client, f"{BASE}/"),
                                           "skip_invalid": "1"})
    run_url = applied.location
    assert re.search(r"/history/\d+/$", run_url)
    with app.app_context():
        assert opinions_in_new_session() == ["0001", "0003"]
    run_page = client.get(run_url).get_data(as_text=True)
    assert "新增 2 行" in run_page and "跳过 1 行" in run_page and "交办清单.xlsx" in run_page
    assert "交办清单.xlsx" in client.get(f"{BASE}/history/").get_data(as_text=True)
    assert client.get(f"{BASE}/preview/{token}/").status_code == 404  # applied: gone

    undone = client.post(f"{run_url}undo", data={"csrf_token": csrf_token(client, run_url)})
    assert undone.status_code == 302
    assert "已撤销" in client.get(run_url).get_data(as_text=True)
    with app.app_context():
        assert dump(exclude=BOOKKEEPING) == before


def test_an_unknown_column_can_be_mapped_on_the_preview(app, as_user, tmp_path):
    with app.app_context():
        rows = [opinion_row(1)]
        path = assignment_list(tmp_path / "list.xlsx", rows)
        book = openpyxl.load_workbook(path)
        book["城市建设和管理"]["L1"] = "详细情况"
        book["城市建设和管理"]["L2"] = "建议加装电梯"
        book.save(path)
    client = as_user("operator")
    token = preview_token(upload(client, path))
    page = client.get(f"{BASE}/preview/{token}/").get_data(as_text=True)
    assert "未识别的列“详细情况”" in page
    remapped = client.post(f"{BASE}/preview/{token}/options", data={
        "csrf_token": csrf_token(client, f"{BASE}/"), "kind": "auto", "session": "__new__",
        "new_session_name": NEW_SESSION, "new_session_year": "2018",
        "map_source_1": "详细情况", "map_target_1": "内容"})
    assert preview_token(remapped) == token
    page = client.get(f"{BASE}/preview/{token}/").get_data(as_text=True)
    assert "未识别的列" not in page and "内容：建议加装电梯" in page


def test_another_operators_upload_is_not_found(app, as_user, tmp_path):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row(1)])
        other = User(username="operator2", role=Role.OPERATOR.value)
        other.set_password(PASSWORD, chosen_by_user=True)
        db.session.add(other)
        db.session.commit()
    token = preview_token(upload(as_user("operator"), path))
    second = app.test_client()
    sign_in(second, "operator2")
    assert second.get(f"{BASE}/preview/{token}/").status_code == 404


@pytest.fixture
def existing(app, as_user, tmp_path):
    """An applied import and a pending upload, made by the admin."""
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row(1)])
    client = as_user("operator")
    token = preview_token(upload(client, path))
    applied = client.post(f"{BASE}/preview/{token}/apply",
                          data={"csrf_token": csrf_token(client, f"{BASE}/")})
    run_id = int(re.search(r"/history/(\d+)/", applied.location).group(1))
    token = preview_token(upload(client, path))
    with app.app_context():
        file_id = db.session.get(ImportRun, run_id).files[0].id
    return {"token": token, "run": run_id, "file": file_id}


IMPORT_URLS = [
    ("get", "/"), ("post", "/upload"), ("get", "/preview/{token}/"),
    ("post", "/preview/{token}/options"), ("post", "/preview/{token}/apply"),
    ("get", "/preview/{token}/annotated/0"), ("get", "/history/"),
    ("get", "/history/{run}/"), ("get", "/history/{run}/annotated/{file}"),
    ("post", "/history/{run}/undo"),
]


def refusals_logged(username: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(
        SecurityEvent.event == "拒绝访问", SecurityEvent.username == username))


@pytest.mark.parametrize("username", ["pujiang", "leader"])
def test_units_and_leaders_get_403_on_every_import_url(app, existing, username):
    client = app.test_client()
    sign_in(client, username)
    token = csrf_token(client, "/admin/")
    with app.app_context():
        before = dump(exclude=LOGS)
        refusals = refusals_logged(username)
    for method, path in IMPORT_URLS:
        url = BASE + path.format(**existing)
        response = (client.get(url) if method == "get"
                    else client.post(url, data={"csrf_token": token}))
        response.close()
        assert response.status_code == 403, (method, url)
    with app.app_context():
        assert dump(exclude=LOGS) == before
        assert refusals_logged(username) == refusals + len(IMPORT_URLS)
    assert "导入表格" not in client.get("/admin/").get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(f"{BASE}/history/")
    assert response.status_code == 302 and "/login" in response.location


def test_a_post_without_csrf_token_is_refused(as_user):
    client = as_user("operator")
    assert client.post(f"{BASE}/upload", data={}).status_code == 400
