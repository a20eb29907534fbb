"""An import refused when it is applied (rows in error, data changed since the preview)
and an undo refused are in the security log with their reason, as refused uploads are."""

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CongressSession, Opinion
from tests.backoffice.html_forms import form_data
from tests.backoffice.imports.tables import NEW_SESSION, assignment_list, opinion_row
from tests.backoffice.imports.test_import_pages import preview_token, upload
from tests.backoffice.security.events import events
from tests.conftest import csrf_token

BASE = "/admin/imports"


def _apply(client, token: str):
    url = f"{BASE}/preview/{token}/"
    return client.post(f"{url}apply", data={"csrf_token": csrf_token(client, url)})


def _refusals(event: str) -> list[tuple[str, str]]:
    return [(entry.object, entry.detail) for entry in events(event, "operator")
            if entry.outcome == "拒绝"]


def test_an_import_with_rows_in_error_is_refused_and_logged(app, as_user, tmp_path) -> None:
    client = as_user("operator")
    with app.app_context():
        rows = [opinion_row(1, 交办日期="三月")]
    token = preview_token(upload(client, assignment_list(tmp_path / "有错误.xlsx", rows)))
    assert "有错误，未导入任何数据" in client.get(
        _apply(client, token).location).get_data(as_text=True)
    with app.app_context():
        (refused,) = _refusals("导入")
        assert refused[0] == "有错误.xlsx" and "错误" in refused[1]


def test_an_import_the_data_moved_away_from_is_refused_and_logged(app, as_user,
                                                                   tmp_path) -> None:
    client = as_user("operator")
    with app.app_context():
        rows = [opinion_row(1)]
    assert _apply(client, preview_token(upload(
        client, assignment_list(tmp_path / "交办清单.xlsx", rows)))).status_code == 302
    with app.app_context():
        row = opinion_row(1, 交办日期="2018-03-05")
        opinion_id = db.session.scalar(sa.select(Opinion.id).join(CongressSession)
                                       .where(CongressSession.name == NEW_SESSION))
    token = preview_token(upload(client, assignment_list(tmp_path / "改日期.xlsx", [row])))
    url = f"/admin/opinion/edit/?id={opinion_id}"
    form = {**form_data(client.get(url).get_data(as_text=True)), "assigned_on": "2018-03-09"}
    assert client.post(url, data=form).status_code == 302
    _apply(client, token)
    with app.app_context():
        (refused,) = _refusals("导入")
        assert refused[0] == "改日期.xlsx" and "预览之后数据已有变动" in refused[1]


def test_a_refused_undo_is_logged(app, as_user, tmp_path) -> None:
    client = as_user("operator")
    with app.app_context():
        rows = [opinion_row(1)]
    run_url = _apply(client, preview_token(upload(
        client, assignment_list(tmp_path / "交办清单.xlsx", rows)))).location
    for _ in range(2):  # the second time it is undone already
        client.post(f"{run_url}undo", data={"csrf_token": csrf_token(client, run_url)})
    with app.app_context():
        (refused,) = _refusals("撤销导入")
        assert refused[0].startswith("导入 #") and "已于" in refused[1]
