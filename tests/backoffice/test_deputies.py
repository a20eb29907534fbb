"""Deputies as users: a deputy sees only the opinions they lead or co-signed, answers a
面商 and evaluates a reply online, and an online evaluation counts exactly as the same
row of an imported 代表满意度测评表."""

import re
import stat
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from backoffice.access import PUBLIC_ENDPOINTS
from backoffice.admin.deputies import ANSWERS_A_DAY
from backoffice.assessment.year import assess_year
from backoffice.exports.rows import Scope, evaluations
from backoffice.extensions import db
from backoffice.imports.service import run_import
from backoffice.imports.undoing import undo_import
from backoffice.models import (
    Attachment,
    AuditEntry,
    CoHandling,
    CongressSession,
    ConsultationReply,
    Deputy,
    ImportRun,
    Opinion,
    SecurityEvent,
    User,
    opinion_cosigners,
)
from backoffice.reporting.annual_loading import session_report
from importers.clock import local_today
from importers.exporting import write_rows
from tests.conftest import PASSWORD, add_deputy_account, csrf_token, quick_hashing, sign_in

POLICY_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
DEPUTY = "谭明峰"  # leads 第0297号 (2017, replied, not yet evaluated, two co-handlers)
SESSION, NUMBER = "区六届人大一次会议", "0297"
OTHERS = "韦华辉"  # another deputy, whose opinions 谭明峰 must not reach


def _own_numbers(deputy_id: int) -> set[tuple[str, str]]:
    cosigned = sa.select(opinion_cosigners.c.opinion_id).where(
        opinion_cosigners.c.deputy_id == deputy_id)
    return {(session, number) for session, number in db.session.execute(
        sa.select(CongressSession.name, Opinion.number).join(Opinion.session)
        .where(sa.or_(Opinion.lead_deputy_id == deputy_id, Opinion.id.in_(cosigned))))}


def _opinion(number: str = NUMBER) -> Opinion:
    return db.session.scalar(sa.select(Opinion).join(Opinion.session).where(
        CongressSession.name == SESSION, Opinion.number == number))


def _counted(app: Flask, opinion_id: int) -> tuple:
    """Return what the office's evaluation list, the annual report and the assessment
    make of the opinion's evaluations."""
    with app.app_context():
        session = db.session.scalar(sa.select(CongressSession).where(
            CongressSession.name == SESSION))
        listed = [row for row in evaluations(db.session, Scope(session_id=session.id))
                  if row[0] == NUMBER]
        co = sorted(db.session.execute(
            sa.select(CoHandling.unit_id, CoHandling.deputy_grade)
            .where(CoHandling.opinion_id == opinion_id)).all())
        today = local_today()
        report = session_report(db.session, session, today).to_json()
        ranking = assess_year(db.session, session.year, today).units
        return listed, co, report, ranking


def _import_paper_row(app: Flask) -> None:
    """Import the same evaluation as the office would from a paper 测评表."""
    with app.app_context():
        path = Path(app.config["IMPORT_FOLDER"]).parent / "测评表.xlsx"
        write_rows(path, ["编号", "领衔代表", "主办单位", "对答复是否同意", "总体评价",
                          "是否表扬", "对会办单位评价", "测评日期", "同意公开"],
                   [[NUMBER, DEPUTY, "浦江镇", "同意", "较好", "是", "吴泾镇:好；新虹街道:一般",
                     local_today(), "是"]])
        result = run_import(db.session, [path], "evaluations", session=SESSION,
                            dry_run=False, actor="operator")
        assert result.applied, [p.message for p in result.errors]


def test_a_deputy_sees_their_opinions_and_an_online_evaluation_counts_as_an_imported_one(
        app: Flask) -> None:
    with app.app_context():
        deputy_id = add_deputy_account(DEPUTY)
        own = _own_numbers(deputy_id)
        opinion = _opinion()
        opinion_id, session_id = opinion.id, opinion.session_id
        co = {c.unit.name: c.id for c in opinion.co_handlings}
        audited = db.session.scalar(sa.select(sa.func.max(AuditEntry.id)))
    client = app.test_client()
    assert sign_in(client, "deputy").headers["Location"].endswith("/admin/")
    listing = client.get("/admin/", follow_redirects=True).get_data(as_text=True)
    shown = set(re.findall(r'small text-muted">([^·<]+?) · 第(\d{4})号', listing))
    assert {(s.strip(), n) for s, n in shown} == own and len(own) == 5
    page = client.get(f"/admin/mine/opinion/?id={opinion_id}").get_data(as_text=True)
    assert "已答复" in page and "吴泾镇、新虹街道" in page and "提交测评" in page

    token = csrf_token(client, f"/admin/mine/opinion/?id={opinion_id}")
    agreed = {"csrf_token": token, "opinion_id": opinion_id, "agrees": "同意",
              f"co_grade_{co['吴泾镇']}": "好", f"co_grade_{co['新虹街道']}": "一般",
              "praised": "是", "consents_to_publish": "是"}
    # Agreeing without the lead unit's grade is refused, and nothing is written.
    refused = client.post("/admin/mine/evaluate/", data=agreed, follow_redirects=True)
    assert "同意答复时，请选择对主办单位的总体评价" in refused.get_data(as_text=True)
    done = client.post("/admin/mine/evaluate/", data={**agreed, "grade": "较好"},
                       follow_redirects=True).get_data(as_text=True)
    assert "测评已提交" in done and "您已对答复表示同意，测评已完成" in done
    with app.app_context():
        run = db.session.scalar(sa.select(ImportRun).order_by(ImportRun.id.desc()))
        assert (run.actor, run.source) == ("deputy", "online")
        run_id = run.id
        actors = set(db.session.scalars(sa.select(AuditEntry.actor).where(
            AuditEntry.id > audited, AuditEntry.table_name.in_(
                ["evaluations", "co_handlings"]))))
        assert actors == {"deputy"}
    online = _counted(app, opinion_id)
    assert online[0] and online[0][0][3:6] == (True, "较好", True)

    # The office undoes the online evaluation like any import, and imports the same
    # evaluation from a paper 测评表: every count is the same.
    with app.app_context():
        undo_import(db.session, run_id, "operator")
        db.session.commit()
        session = db.session.get(CongressSession, session_id)
        undone = session_report(db.session, session, local_today()).to_json()
    assert undone != online[2]
    _import_paper_row(app)
    assert _counted(app, opinion_id) == online


@POLICY_ONLY
def test_a_deputy_reaches_no_other_screen_and_no_other_deputys_opinion_and_answers_a_面商(
        app: Flask) -> None:
    with app.app_context():
        add_deputy_account(DEPUTY)
        mine = _opinion()
        theirs = db.session.scalar(sa.select(Opinion).join(Opinion.lead_deputy)
                                   .where(Deputy.name == OTHERS))
        # A reply letter on the other deputy's opinion, and an internal paper on the own one.
        for opinion, kind, name in ((theirs, "答复函", "他人答复函.pdf"),
                                    (mine, "会办意见", "会办意见.pdf")):
            db.session.add(Attachment(opinion=opinion, kind=kind, original_name=name,
                                      stored_name=f"{name}-x", content_type="application/pdf",
                                      size=1, uploaded_by="operator"))
        db.session.commit()
        hidden = [a.id for a in db.session.scalars(sa.select(Attachment))]
        mine_id, theirs_id = mine.id, theirs.id
    client = app.test_client()
    sign_in(client, "deputy")
    token = csrf_token(client, f"/admin/mine/opinion/?id={mine_id}")
    adapter = app.url_map.bind("localhost")
    reached = []
    for rule in app.url_map.iter_rules():
        # Static files and the charting library hold no data; the deputy's own pages follow.
        if rule.endpoint in {"static", "admin.static", "admin.plotly_js", *PUBLIC_ENDPOINTS} \
                or rule.endpoint.startswith(("auth.", "account.", "mine.")):
            continue
        values = {arg: ("docx" if arg == "kind" else 1) for arg in rule.arguments}
        url = adapter.build(rule.endpoint, values) + f"?id={theirs_id}"
        # One request a route: its GET, else the change it takes (the guard is per route).
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        status = client.open(url, method=method, data={"csrf_token": token}).status_code
        if status not in (403, 404) and not (rule.endpoint == "admin.index" and status == 302):
            reached.append(f"{method} {url} {status}")
    assert reached == []
    for url in (f"/admin/mine/opinion/?id={theirs_id}", "/admin/mine/opinion/?id=999999",
                *(f"/admin/mine/attachment/?id={i}" for i in hidden)):
        assert client.get(url).status_code == 404, url
    for action in ("evaluate", "consultation"):
        posted = client.post(f"/admin/mine/{action}/", data={
            "csrf_token": token, "opinion_id": theirs_id, "agrees": "不同意",
            "answer": "确认面商"})
        assert posted.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ConsultationReply.id))) == 0
        # The deputy's own opinion, before its 面商 and reply: a 面商 to confirm or move.
        db.session.execute(sa.update(Opinion).where(Opinion.id == mine_id).values(
            consulted_on=None, replied_on=None, answer_type=None, concluded_on=None))
        db.session.commit()

    def answer(**form: str) -> str:
        return client.post("/admin/mine/consultation/", follow_redirects=True, data={
            "csrf_token": token, "opinion_id": mine_id, **form}).get_data(as_text=True)

    assert "申请改期请填写原因或方便的时间" in answer(answer="申请改期")
    assert "希望面商日期“2017-13-01”无法识别" in answer(answer="申请改期", note="出差",
                                                    wished_on="2017-13-01")
    wished = local_today().replace(year=local_today().year + 1, month=1, day=5)
    assert "改期申请已提交" in answer(answer="申请改期", note="下周出差",
                                    wished_on=wished.isoformat())
    with app.app_context():
        [reply] = db.session.scalars(sa.select(ConsultationReply))
        assert (reply.answer, reply.wished_on, reply.note) == ("申请改期", wished, "下周出差")
        actor = db.session.scalar(sa.select(AuditEntry.actor).where(
            AuditEntry.table_name == "consultation_replies"))
        assert actor == "deputy"
    office = app.test_client()
    sign_in(office, "operator")
    for url in ("/admin/consultation_reply/", f"/admin/opinion/details/?id={mine_id}"):
        assert "下周出差" in office.get(url).get_data(as_text=True), url

    # The same answer twice is one; a mind changed back and forth stops at the day's number.
    assert "与上次提交的答复相同" in answer(answer="申请改期", note="下周出差",
                                          wished_on=wished.isoformat())
    for _ in range(2):
        assert "已确认面商" in answer(answer="确认面商")
        assert "改期申请已提交" in answer(answer="申请改期", note="下周出差")
    assert f"今天已就此意见提交{ANSWERS_A_DAY}次答复" in answer(answer="确认面商")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ConsultationReply.id))) == ANSWERS_A_DAY
        # Once the 面商 was held, there is nothing left to confirm or move.
        db.session.execute(sa.delete(ConsultationReply))
        db.session.execute(sa.update(Opinion).where(Opinion.id == mine_id).values(
            consulted_on=date(2017, 4, 10)))
        db.session.commit()
    assert "面商已于2017年4月10日进行，无需再确认或改期" in answer(answer="确认面商")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ConsultationReply.id))) == 0


def _accounts(sheet) -> dict[str, tuple]:
    rows = list(load_workbook(sheet).active.iter_rows(values_only=True))
    assert rows[0][0] == "代表账号（首次登录须修改密码）"
    return {row[0]: row for row in rows[2:]}


@POLICY_ONLY
def test_create_user_and_the_roster_sheet_of_one_time_passwords(app: Flask, tmp_path) -> None:
    runner = app.test_cli_runner()
    with quick_hashing():
        made = runner.invoke(args=["create-user", "tan", "--role", "deputy", "--deputy",
                                   DEPUTY], input=f"{PASSWORD}\n")
        assert made.exit_code == 0, made.output
        again = runner.invoke(args=["create-user", "tan2", "--role", "deputy", "--deputy",
                                    DEPUTY], input=f"{PASSWORD}\n")
        assert "已有账号“tan”" in again.output and again.exit_code == 2
        nobody = runner.invoke(args=["create-user", "x", "--role", "deputy", "--deputy",
                                     "查无此人"], input=f"{PASSWORD}\n")
        assert "代表名单中没有“查无此人”" in nobody.output
        with app.app_context():
            # Keep the roster small: three, one of them with an account already.
            keep = [d.id for d in db.session.scalars(sa.select(Deputy).where(
                Deputy.name.in_([DEPUTY, OTHERS, "范海"])))]
            removed = sa.select(Deputy.id).where(Deputy.id.not_in(keep))
            db.session.execute(sa.delete(opinion_cosigners).where(
                opinion_cosigners.c.deputy_id.in_(removed)))
            db.session.execute(sa.delete(Opinion).where(Opinion.lead_deputy_id.in_(removed)))
            db.session.execute(sa.delete(Deputy).where(Deputy.id.not_in(keep)))
            db.session.commit()
        sheet = tmp_path / "账号.xlsx"
        bulk = runner.invoke(args=["create-deputy-accounts", str(sheet)])
        assert "已为 2 位代表创建账号" in bulk.output, bulk.output
        assert stat.S_IMODE(sheet.stat().st_mode) == 0o600  # the passwords: its owner's only
        accounts = _accounts(sheet)
        assert set(accounts) == {OTHERS, "范海"}
        assert runner.invoke(args=["create-deputy-accounts", str(sheet)]).exit_code == 2
        # A deputy added to the roster later: the system administrator's form and button.
        with app.app_context():
            db.session.add_all([Deputy(name="新代表", delegation="七宝镇代表团"),
                                Deputy(name="另一位", delegation="七宝镇代表团")])
            db.session.commit()
            other_id = db.session.scalar(sa.select(Deputy.id).where(Deputy.name == "另一位"))
            taken_id = db.session.scalar(sa.select(Deputy.id).where(Deputy.name == DEPUTY))
        admin = app.test_client()
        sign_in(admin, "sysadmin")
        token = csrf_token(admin, "/admin/user/new/")
        form = {"csrf_token": token, "username": "lingyi", "role": "deputy", "active": "y",
                "new_password": "Jiangchuan-rain-2017"}
        for wrong, message in (({}, "代表的账号须选择对应的代表"),
                               ({"deputy": taken_id}, "已有账号“tan”")):
            page = admin.post("/admin/user/new/", data={**form, **wrong})
            assert message in page.get_data(as_text=True)
        assert admin.post("/admin/user/new/", data={**form, "deputy": other_id}).status_code == 302
        sent = admin.post("/admin/user/deputy-accounts/", data={"csrf_token": token})
    assert sent.headers["Content-Disposition"].startswith("attachment")
    assert sent.headers["Cache-Control"] == "no-store"  # the passwords, shown this once
    (tmp_path / "按钮.xlsx").write_bytes(sent.data)
    assert set(_accounts(tmp_path / "按钮.xlsx")) == {"新代表"}
    with app.app_context():  # nor written anywhere but in the sheets
        written = str([*db.session.execute(sa.select(SecurityEvent.object,
                                                     SecurityEvent.detail)),
                       *db.session.execute(sa.select(AuditEntry.record_label,
                                                     AuditEntry.changes))])
    for account in (*accounts.values(), *_accounts(tmp_path / "按钮.xlsx").values()):
        assert account[3] not in written and account[2] in written
    again = admin.post("/admin/user/deputy-accounts/", data={"csrf_token": token},
                       follow_redirects=True)
    assert "名单中的代表都已有账号" in again.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "lingyi"))
        assert (user.deputy_id, user.must_change_password) == (other_id, True)
    client = app.test_client()
    _name, _delegation, username, password = accounts["范海"]
    assert sign_in(client, username, password).status_code == 302
    # A one-time password: the first page is the change of password.
    assert "/account/password" in client.get("/admin/mine/").headers.get("Location", "")


@POLICY_ONLY
def test_a_reply_letter_reaches_the_deputy_once_the_reply_is_recorded(app: Flask) -> None:
    """A unit may upload its 答复函 before recording the reply: until then it is a draft."""
    with app.app_context():
        add_deputy_account(DEPUTY)
        opinion_id = _opinion().id
        db.session.execute(sa.update(Opinion).where(Opinion.id == opinion_id).values(
            replied_on=None, answer_type=None, concluded_on=None))
        letter = Attachment(opinion_id=opinion_id, kind="答复函", original_name="答复函草稿.pdf",
                            stored_name="draft-x", content_type="application/pdf", size=1,
                            uploaded_by="unit")
        db.session.add(letter)
        db.session.commit()
        letter_id = letter.id
    client = app.test_client()
    sign_in(client, "deputy")
    page = f"/admin/mine/opinion/?id={opinion_id}"
    assert "答复函草稿" not in client.get(page).get_data(as_text=True)
    assert client.get(f"/admin/mine/attachment/?id={letter_id}").status_code == 404
    with app.app_context():
        db.session.execute(sa.update(Opinion).where(Opinion.id == opinion_id).values(
            replied_on=local_today(), answer_type="B"))
        db.session.commit()
    assert "答复函草稿" in client.get(page).get_data(as_text=True)
