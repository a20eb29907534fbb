"""Worklists and list exports on the web: what they hold, how they guide, who gets which."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa

from backoffice import access
from backoffice.admin.base import SecuredModelView
from backoffice.exports.rows import open_opinion
from backoffice.extensions import db
from backoffice.models import (
    AuditEntry,
    CoHandling,
    CongressSession,
    Notice,
    Opinion,
    User,
)
from importers.exporting import INSTRUCTIONS_SHEET, LISTS_SHEET, split_workbook
from importers.reading import read_file, read_paths
from importers.stamps import STAMP_SHEET
from tests.backoffice.scoping import unit_id
from tests.conftest import sign_in

PUJIANG, QIBAO = "浦江镇", "七宝镇"


@pytest.fixture
def ids(app):
    with app.app_context():
        session = db.session.scalar(sa.select(CongressSession).where(CongressSession.year == 2017))
        return {"pujiang": unit_id(PUJIANG), "qibao": unit_id(QIBAO), "session": session.id,
                "session_name": session.name}


def open_lead_numbers(unit: int, session: int) -> list[str]:
    return db.session.scalars(sa.select(Opinion.number).where(
        Opinion.lead_unit_id == unit, Opinion.session_id == session, open_opinion())
        .order_by(Opinion.number)).all()


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.data))


def test_a_worklist_is_a_template_to_fill_in_and_reads_back(as_user, app, ids, tmp_path):
    with app.app_context():
        numbers = open_lead_numbers(ids["pujiang"], ids["session"])
        opinion = db.session.scalar(sa.select(Opinion).where(
            Opinion.number == numbers[0], Opinion.session_id == ids["session"]))
        opinion.title = "=1+1"
        co_handled = db.session.scalar(sa.select(sa.func.count()).select_from(CoHandling)
                                       .join(Opinion).where(CoHandling.unit_id == ids["pujiang"],
                                                            Opinion.session_id == ids["session"],
                                                            open_opinion()))
        db.session.commit()
    url = f"/admin/exports/unit/{ids['pujiang']}/?session={ids['session']}"
    response = as_user("operator").get(url)
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == ["沟通走访记录", "办理情况", "办理进展反馈", "本单位会办",
                               "会办单位评价", INSTRUCTIONS_SHEET, LISTS_SHEET, STAMP_SHEET]
    assert book[STAMP_SHEET].sheet_state == "veryHidden" and book[STAMP_SHEET].protection.sheet
    assert book.active.title == "办理情况"
    assert book[LISTS_SHEET].sheet_state == "hidden"
    sheet = book["办理情况"]
    assert [c.value for c in sheet[2]][:4] == ["编号", "标题", "主办单位", "签收日期"]
    # Each opinion's standing as of today, to read, in locked columns the import passes by.
    headers = [c.value for c in sheet[2]]
    assert headers[-3:] == ["办理状态", "下一期限", "当前超期未办"]
    standing = [c for c in sheet[3][len(headers) - 3:]]
    assert standing[0].value and all(c.protection.locked for c in standing)
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == numbers
    # Frozen header, protection without a password, the office's columns locked.
    assert sheet.freeze_panes == "B3"
    assert sheet.protection.sheet and not sheet.protection.password
    first = sheet[3]
    assert [c.protection.locked for c in first[:3]] == [True, True, True]
    assert all(c.protection.locked is False for c in first[3:-3] if c.value is not None)
    # The title that would be a formula is text, shown as written.
    title = sheet["B3"]
    assert (title.value, title.data_type, title.quotePrefix) == ("=1+1", "s", True)
    # Real date cells, and dropdowns for every fixed choice and for units.
    accepted = sheet["D3"]
    assert accepted.is_date and accepted.number_format == "yyyy-mm-dd"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation
             if v.type == "list"}
    assert lists["F3:F1048576"] == '"面商会,电话,走访,座谈,其他"'
    assert lists["H3:H1048576"] == '"A,B,C,D"'
    assert lists["I3:I1048576"] == '"是,否"'
    dates = {str(v.sqref) for v in sheet.data_validations.dataValidation if v.type == "date"}
    assert dates == {f"{c}3:{c}1048576" for c in "DEGJK"}
    # Unit names and the unit's opinion numbers are listed on the hidden sheet.
    listed = {column[0].value: [c.value for c in column[1:] if c.value]
              for column in book[LISTS_SHEET].iter_cols()}
    columns = {column[0].value: column[0].column_letter
               for column in book[LISTS_SHEET].iter_cols()}
    assert listed["编号"] == numbers and PUJIANG in listed["单位名称"]
    assert lists["C3:C1048576"].startswith(f"'{LISTS_SHEET}'!${columns['单位名称']}$2")
    contacts = book["沟通走访记录"]
    numbers_list = {str(v.sqref): v.formula1 for v in contacts.data_validations.dataValidation}
    assert numbers_list["A3:A1048576"].startswith(f"'{LISTS_SHEET}'!${columns['编号']}$2")
    # Split into its kinds, the worklist reads back: the same rows, the title as text.
    path = tmp_path / "浦江镇.xlsx"
    path.write_bytes(response.data)
    parts = split_workbook(path, tmp_path / "parts")
    result = read_paths(parts, session=ids["session_name"], year=2017)
    assert [str(p) for p in result.problems] == []
    handling = result.records("handling")
    assert [f"{r['number']:04d}" for r in handling] == numbers
    assert handling[0]["title"] == "=1+1"
    assert len([r for r in result.records("co-evaluations") if r["co_unit"] == PUJIANG]) \
        == co_handled
    # Read whole, a worklist is refused (not misread as one kind).
    assert not read_file(path, session=ids["session_name"], year=2017).ok


def test_all_worklists_come_zipped_one_per_unit_with_open_work(as_user, app, ids):
    client = as_user("operator")
    response = client.get(f"/admin/exports/all/?session={ids['session']}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        book = openpyxl.load_workbook(io.BytesIO(archive.read(names[0])))
    page = client.get(f"/admin/exports/?session={ids['session']}")
    listed = re.findall(r"<td>([^<]+)</td>\s*<td class=\"text-right\">", page.get_data(True))
    assert sorted(names) == sorted(f"{unit}-书面意见办理工作清单-{ids['session_name']}.xlsx"
                                   for unit in listed)
    assert len(names) > 20 and "办理情况" in book.sheetnames


def test_a_unit_downloads_only_its_own_worklist(as_user, app, ids):
    client = as_user("pujiang")
    own = f"/admin/exports/unit/{ids['pujiang']}/?session={ids['session']}"
    assert client.get(own).status_code == 200
    assert client.get(f"/admin/exports/unit/{ids['qibao']}/").status_code == 403
    assert client.get("/admin/exports/unit/999999/").status_code == 404
    page = client.get("/admin/exports/").get_data(as_text=True)
    assert PUJIANG in page and QIBAO not in page and "各类表格" not in page
    with zipfile.ZipFile(io.BytesIO(client.get("/admin/exports/all/").data)) as archive:
        assert [name.split("-")[0] for name in archive.namelist()] == [PUJIANG]
    for kind in ("opinions", "units", "handling"):
        assert client.get(f"/admin/exports/kind/{kind}/").status_code == 403


def test_leaders_read_every_worklist_and_sheet(as_user, ids):
    client = as_user("leader")
    assert client.get(f"/admin/exports/unit/{ids['qibao']}/").status_code == 200
    book = workbook(client.get(f"/admin/exports/kind/opinions/?session={ids['session']}"))
    assert book.worksheets[0]["A1"].value == f"{ids['session_name']}书面意见交办清单"
    blank = workbook(client.get("/admin/exports/kind/units/?blank=1"))
    assert blank.worksheets[0].max_row == 2  # title and header only
    assert client.get("/admin/exports/kind/nonsense/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, ids):
    for url in ("/admin/exports/", f"/admin/exports/unit/{ids['qibao']}/",
                "/admin/opinion/export/xlsx/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


LISTS = [("opinion", Opinion), ("co_handling", CoHandling), ("notice", Notice)]


@pytest.mark.parametrize("username", ["pujiang", "operator"])
def test_every_list_export_holds_only_the_rows_the_user_may_see(as_user, app, username):
    client = as_user(username)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        expected = {endpoint: db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                                .where(access.visible(model, user)))
                    for endpoint, model in LISTS}
    for endpoint, _model in LISTS:
        book = workbook(client.get(f"/admin/{endpoint}/export/xlsx/"))
        assert book.worksheets[0].max_row - 2 == expected[endpoint], endpoint
        response = client.get(f"/admin/{endpoint}/export/csv/")
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert len(rows) - 1 == expected[endpoint], endpoint
    if username == "pujiang":
        sheet = workbook(client.get("/admin/opinion/export/xlsx/")).worksheets[0]
        header = [c.value for c in sheet[2]]
        for row in sheet.iter_rows(min_row=3, values_only=True):
            lead, co = row[header.index("主办单位")], row[header.index("会办单位")] or ""
            assert lead == PUJIANG or PUJIANG in co.split("、")


@pytest.mark.parametrize(("username", "endpoints"), [
    ("pujiang", ["unit", "deputy", "liaison", "session", "user", "audit", "calendar"]),
    ("leader", ["user", "audit", "calendar"]),
])
def test_lists_a_role_may_not_read_are_not_exported(as_user, username, endpoints):
    client = as_user(username)
    for endpoint in endpoints:
        for export_type in ("xlsx", "csv"):
            response = client.get(f"/admin/{endpoint}/export/{export_type}/")
            assert response.status_code == 403, (endpoint, export_type)


def list_endpoints(app) -> list[str]:
    """Return every admin list (a SecuredModelView), whoever added it."""
    return [view.endpoint for admin in app.extensions["admin"] for view in admin._views
            if isinstance(view, SecuredModelView)]


def test_every_list_exports_for_whoever_may_export_it(app):
    endpoints = list_endpoints(app)
    assert {"opinion", "unit", "audit", "user", "security_log"} <= set(endpoints)
    exported = set()
    for username in ("operator", "sysadmin", "auditor"):
        client = app.test_client()
        sign_in(client, username)
        for endpoint in endpoints:
            if endpoint == "audit":
                continue  # thousands of entries: exported below, searched
            response = client.get(f"/admin/{endpoint}/export/xlsx/")
            if response.status_code == 403:
                continue
            sheet = workbook(response).worksheets[0]
            assert sheet.freeze_panes == "A3" and sheet["A1"].value, endpoint
            csv_response = client.get(f"/admin/{endpoint}/export/csv/")
            assert csv_response.data.startswith(b"\xef\xbb\xbf"), endpoint
            exported.add(endpoint)
    assert exported == set(endpoints) - {"audit"}
    client = app.test_client()
    sign_in(client, "auditor")
    with app.app_context():
        entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            sa.or_(AuditEntry.actor.ilike(f"%{QIBAO}%"),
                   AuditEntry.record_label.ilike(f"%{QIBAO}%"))))
    audit = workbook(client.get(f"/admin/audit/export/xlsx/?search={QIBAO}")).worksheets[0]
    assert audit.freeze_panes == "A3" and audit.max_row - 2 == entries > 0
    office = app.test_client()
    sign_in(office, "operator")
    assert office.get("/admin/opinion/export/tsv/").status_code == 404


def test_a_list_export_keeps_the_filters_search_and_sort(as_user, app, ids):
    unit = ids["qibao"]
    with app.app_context():
        led = db.session.scalars(sa.select(Opinion.number)
                                 .where(Opinion.lead_unit_id == unit)).all()
        opinion = db.session.scalar(sa.select(Opinion).where(Opinion.lead_unit_id == unit)
                                    .order_by(Opinion.id))
        opinion.title = "=SUM(A1:A9)"
        db.session.commit()
    client = as_user("operator")
    # 主办单位 is the third filter; column 1 is 编号.
    sheet = workbook(client.get(f"/admin/opinion/export/xlsx/?flt0_2={unit}&sort=1&desc=1")
                     ).worksheets[0]
    header = [c.value for c in sheet[2]]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    numbers = [row[header.index("编号")] for row in rows]
    assert sorted(numbers) == sorted(led) and numbers == sorted(numbers, reverse=True)
    assert {row[header.index("主办单位")] for row in rows} == {QIBAO}
    assert all(row[header.index("交办日期")].year >= 2016 for row in rows)  # date cells
    searched = workbook(client.get("/admin/opinion/export/xlsx/?search=SUM")).worksheets[0]
    [row] = searched.iter_rows(min_row=3, values_only=True)
    assert row[header.index("标题")] == "=SUM(A1:A9)"
    text = client.get("/admin/opinion/export/csv/?search=SUM").data.decode("utf-8-sig")
    assert "'=SUM(A1:A9)" in text
