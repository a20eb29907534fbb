"""A worklist returned late never silently undoes a newer edit (issue 11, item 1).

The office exports a unit's worklist; the reply date is then changed on the web; the
unit returns the old worklist with one contact's method changed. The reply date is a
conflict (three values shown, held back unless overwritten), the contact applies.
"""

import io
import json
import re
import zipfile
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from backoffice.exports import export_kind, export_worklist
from backoffice.extensions import db
from backoffice.imports import run_import
from backoffice.models import CongressSession, Contact, Opinion, Unit
from importers.stamps import STAMP_SHEET
from tests.backoffice.html_forms import form_data
from tests.conftest import csrf_token

BASE = "/admin/imports"
UNIT, NUMBER = "区交通委", "0188"  # the unit's one open opinion in the 2017 demo year
EXPORTED, ON_THE_WEB = date(2017, 4, 18), date(2017, 4, 17)  # its reply date, then and now
FIRST_ROW = 3  # the first data row under the title and the header


def _session() -> CongressSession:
    return db.session.scalar(sa.select(CongressSession).where(CongressSession.year == 2017))


def _opinion() -> Opinion:
    return db.session.scalar(sa.select(Opinion).where(
        Opinion.session_id == _session().id, Opinion.number == NUMBER))


def _contact_methods() -> list[str]:
    return sorted(db.session.scalars(sa.select(Contact.method).where(
        Contact.opinion_id == _opinion().id)))


def _export_worklist(app, path) -> str:
    """Export the unit's worklist; return the session's name."""
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == UNIT))
        export_worklist(db.session, unit, _session(), path)
        assert _opinion().replied_on == EXPORTED
        return _session().name


def _edit_on_the_web(client, app) -> None:
    """Change the reply date through the opinion's edit form, as the office would."""
    with app.app_context():
        url = f"/admin/opinion/edit/?id={_opinion().id}"
    data = form_data(client.get(url).get_data(as_text=True))
    data["replied_on"] = ON_THE_WEB.isoformat()
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def _change_first_contact(path) -> str:
    """Change the first contact's method in the file, as the unit would; return the new one."""
    book = openpyxl.load_workbook(path)
    sheet = book["沟通走访记录"]
    headers = [cell.value for cell in sheet[FIRST_ROW - 1]]
    cell = sheet.cell(FIRST_ROW, headers.index("沟通方式") + 1)
    cell.value = "座谈" if cell.value != "座谈" else "电话"
    book.save(path)
    return cell.value


def _upload(client, path, session: str) -> str:
    data = {"csrf_token": csrf_token(client, f"{BASE}/"), "kind": "auto", "session": session,
            "files": [(io.BytesIO(path.read_bytes()), path.name)]}
    response = client.post(f"{BASE}/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return re.search(r"/preview/(\w+)/", response.location).group(1)


def _conflict_table(page: str) -> list[list[str]]:
    """Return the text of each row of the preview's conflict table."""
    table = page[page.index('class="table table-sm table-bordered small import-conflicts"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    return [[" ".join(re.sub(r"<[^>]+>", " ", cell).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def _say_saved_at(path, moment: str) -> None:
    """Rewrite the time a workbook says it was last saved (its core properties)."""
    with zipfile.ZipFile(path) as book:
        parts = [(info, book.read(info)) for info in book.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]+", rb"\g<1>" + moment.encode(),
                              data)
            book.writestr(info, data)


def test_a_stale_worklist_keeps_the_newer_web_edit_unless_overwritten(
    app, as_user, tmp_path
):
    path = tmp_path / f"{UNIT}-办理清单.xlsx"
    session = _export_worklist(app, path)
    client = as_user("operator")
    _edit_on_the_web(client, app)
    method = _change_first_contact(path)

    # The web preview: the conflict with its three values, not applied by default.
    token = _upload(client, path, session)
    page = client.get(f"{BASE}/preview/{token}/").get_data(as_text=True)
    [row] = _conflict_table(page)
    assert row[4].startswith("答复日期 办理情况!G")  # the field and its cell
    assert row[5].startswith(f"{EXPORTED} ") and row[5].endswith("导出")  # and when
    assert row[6:] == [str(ON_THE_WEB), str(EXPORTED)]  # in the database, in the file
    assert "有 1 行与导出后的修改冲突" in page
    applied = client.post(f"{BASE}/preview/{token}/apply",
                          data={"csrf_token": csrf_token(client, f"{BASE}/")})
    assert applied.status_code == 302 and "/history/" in applied.location
    run_page = client.get(applied.location).get_data(as_text=True)
    assert "修改 1 行" in run_page and "未选择覆盖，该行不导入" in run_page  # what was held
    with app.app_context():
        assert _opinion().replied_on == ON_THE_WEB  # the web's edit stands
        assert method in _contact_methods()  # the rest of the file applied

    # The CLI: the conflict reported in JSON and left alone; --overwrite would apply it.
    runner = app.test_cli_runner()
    cli = runner.invoke(args=["import", "auto", str(path), "--session", session,
                              "--format", "json"])
    assert cli.exit_code == 0, cli.output
    result = json.loads(cli.output)
    assert (result["updated"], result["conflicted"]) == (0, 1)
    [conflict] = result["conflicts"]
    assert {key: conflict[key] for key in ("sheet", "field", "value", "database", "exported",
                                           "overwrite")} == {
        "sheet": "办理情况", "field": "replied_on", "value": str(EXPORTED),
        "database": str(ON_THE_WEB), "exported": str(EXPORTED), "overwrite": False}
    assert conflict["cell"].startswith("办理情况!") and "未选择覆盖" in conflict["message"]
    with app.app_context():
        assert _opinion().replied_on == ON_THE_WEB
    dry = json.loads(runner.invoke(args=["import", "auto", str(path), "--session", session,
                                         "--overwrite", "--dry-run", "--format", "json"]).output)
    assert (dry["updated"], dry["conflicted"], dry["conflicts"][0]["overwrite"]) == (1, 0, True)
    text = runner.invoke(args=["import", "auto", str(path), "--session", session,
                               "--dry-run"]).output
    assert f"答复日期：导出后数据库中已改为“{ON_THE_WEB}”（导出时为“{EXPORTED}”），" in text
    assert "有冲突未导入 1 行（确认以表格为准请加 --overwrite）" in text

    # Chosen on the web, row by row: the file's value is applied.
    token = _upload(client, path, session)
    page = client.get(f"{BASE}/preview/{token}/").get_data(as_text=True)
    overwrite = re.search(r'name="overwrite" value="(\d+)"', page).group(1)
    applied = client.post(f"{BASE}/preview/{token}/apply", data={
        "csrf_token": csrf_token(client, f"{BASE}/"), "overwrite": overwrite})
    assert applied.status_code == 302 and "/history/" in applied.location
    with app.app_context():
        assert _opinion().replied_on == EXPORTED


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # files, not the database
def test_a_tampered_stamp_and_an_unstamped_sheet_import_as_before_with_a_warning(
    app, as_user, tmp_path
):
    worklist, own = tmp_path / "清单.xlsx", tmp_path / "办理情况.xlsx"
    session = _export_worklist(app, worklist)
    with app.app_context():
        export_kind(db.session, "handling", own, session=_session())
    book = openpyxl.load_workbook(own)
    del book[STAMP_SHEET]  # as an office's own sheet, last saved in 2020
    book.save(own)
    _say_saved_at(own, "2020-06-01T08:00:00Z")
    _edit_on_the_web(as_user("operator"), app)
    book = openpyxl.load_workbook(worklist)
    [[cell]] = book[STAMP_SHEET].iter_rows(min_row=2)  # a few lines: one cell holds them
    lines = cell.value.split("\n")
    [n] = [n for n, line in enumerate(lines, start=1)
           if json.loads(line.split("\t")[0])[1] == "handling"]  # the line's kind
    lines[n - 1] = lines[n - 1].replace(str(EXPORTED), str(ON_THE_WEB))
    cell.value = "\n".join(lines)
    book.save(worklist)  # saved after the web edit

    with app.app_context():
        # A stamp line that fails its check: said at its cell, the row taken as unstamped.
        result = run_import(db.session, [worklist], "auto", session=session, dry_run=True)
        assert result.prepared.conflicts == ()
        [warning] = [p for p in result.warnings if p.sheet == STAMP_SHEET]
        assert warning.cell == f"{STAMP_SHEET}!A2" and f"第{n}条被改动过" in warning.message
        assert result.counts["updated"] == 1  # the reply date, as any unstamped sheet's
        assert not [p for p in result.warnings if p.field == "replied_on"]  # saved later

        # No stamps: today's behaviour, warned that the value was edited after the save.
        result = run_import(db.session, [own], "handling", session=session, dry_run=True)
        assert result.prepared.conflicts == ()
        [warning] = [p for p in result.warnings if p.field == "replied_on"]
        assert warning.message.startswith("答复日期在数据库中于")
        assert "晚于本表格最后保存的时间" in warning.message and warning.cell
        assert result.counts["updated"] == 1
