"""Two people at work on the same records: whatever the order of their clicks, nothing
either of them did is silently undone, and whoever comes second is told what changed,
by whom and when, and what to do."""

import contextlib
import io
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, orm

from backoffice import imports, online_evaluations, reassigning
from backoffice.audit import acting_as
from backoffice.demo import DATA
from backoffice.extensions import db
from backoffice.imports.service import StalePlan, run_import
from backoffice.models import (
    AssessmentRuleset,
    Attachment,
    CoHandling,
    CongressSession,
    Delivery,
    Evaluation,
    ImportRun,
    Job,
    Opinion,
    OutboxMessage,
    Publication,
    PublicationStatus,
    Reassignment,
    ReassignmentRequest,
    Role,
    Unit,
    User,
)
from backoffice.public.review import reviewable
from importers import UsageError
from importers.clock import local_today
from importers.exporting import write_rows
from tests.backoffice.html_forms import form_data, page_forms
from tests.backoffice.imports.tables import NEW_SESSION, assignment_list, opinion_row
from tests.backoffice.imports.test_apply_and_undo import edited
from tests.backoffice.imports.test_import_pages import BASE, preview_token, upload
from tests.backoffice.jobs.steps import apply_as_job, new_opinions, previewed, wait_for
from tests.backoffice.test_deputies import DEPUTY, NUMBER, SESSION, _opinion
from tests.conftest import PASSWORD, add_deputy_account, csrf_token, quick_hashing, sign_in

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
COLLEAGUE = "operator2"


def _signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def _colleague(app: Flask) -> None:
    """Add a second operator, so that messages can tell the two apart."""
    with app.app_context(), quick_hashing():
        user = User(username=COLLEAGUE, role=Role.OPERATOR.value)
        user.set_password(PASSWORD, chosen_by_user=True)
        db.session.add(user)
        db.session.commit()


def _flashed(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return " ".join(message for _, message in session.pop("_flashes", []))


@contextlib.contextmanager
def colleague_first(model: type, statement: sa.Executable) -> Iterator[list[bool]]:
    """Let a colleague's write (statement, committed on a connection of its own) land
    between the check and the write of the next flush that writes a row of model: the
    narrowest race two clicks can run."""
    fired: list[bool] = []

    def land(session: orm.Session, *_args: object) -> None:
        if fired or not any(isinstance(o, model) for o in (*session.new, *session.dirty)):
            return
        fired.append(True)
        with db.engine.begin() as connection:
            connection.execute(statement)

    event.listen(orm.Session, "before_flush", land)
    try:
        yield fired
    finally:
        event.remove(orm.Session, "before_flush", land)


def _opinion_0160() -> Opinion:
    """Return 2017's 第0160号: led by 浦江镇, co-handled by 七宝镇."""
    return db.session.scalars(sa.select(Opinion).join(Opinion.session).where(
        CongressSession.year == 2017, Opinion.number == "0160")).one()


def _post_form(client: FlaskClient, page: str, action: str, opinion_id: int,
               **values: str) -> str:
    """Submit the page's form for action on the opinion (as shown then); return the flash."""
    (form,) = [f for f in page_forms(page) if f.action.endswith(f"/{action}/")
               and f.fields.get("opinion_id") == str(opinion_id)]
    response = client.post(form.action, data={**form.fields, **values})
    assert response.status_code == 302
    return _flashed(client)


# -- 公开审核 ----------------------------------------------------------------------------------

@SQLITE_ONLY
def test_a_publication_decision_from_a_stale_list_does_not_reverse_a_colleagues(app):
    _colleague(app)
    mine, theirs = _signed_in(app, "operator"), _signed_in(app, COLLEAGUE)
    with app.app_context():
        first, second = db.session.scalars(
            sa.select(Opinion.id).where(reviewable()).order_by(Opinion.id).limit(2)).all()
    url = "/admin/publication/"
    # Both open the list: both replies wait for review.
    stale, seen_by_them = mine.get(url).get_data(as_text=True), theirs.get(url).get_data(
        as_text=True)
    # The colleague declines the first, and publishes then withdraws the second.
    assert "不予公开" in _post_form(theirs, seen_by_them, "decline", first,
                                  reason="涉及个人隐私")
    _post_form(theirs, seen_by_them, "approve", second)
    _post_form(theirs, theirs.get(url).get_data(as_text=True), "withdraw", second)

    # From the list opened before, publishing either would reverse the colleague.
    for opinion_id, status in ((first, "不予公开"), (second, "已撤回")):
        said = _post_form(mine, stale, "approve", opinion_id)
        assert "未处理" in said and COLLEAGUE in said and f"“{status}”" in said, said
        assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", said), said  # when, Beijing time
        assert "请核对" in said
    said = _post_form(mine, stale, "decline", second, reason="涉及商业秘密")
    assert "未处理" in said and "已撤回" in said
    with app.app_context():
        kept = {p.opinion_id: (p.status, p.reason, p.decided_by)
                for p in db.session.scalars(sa.select(Publication))}
    assert kept == {first: (PublicationStatus.DECLINED, "涉及个人隐私", COLLEAGUE),
                    second: (PublicationStatus.WITHDRAWN, None, COLLEAGUE)}
    # The list opened now shows the colleague's decisions and lets me decide on them.
    fresh = mine.get(url).get_data(as_text=True)
    assert "已同意公开" in _post_form(mine, fresh, "approve", first)


# -- deletes racing edits ------------------------------------------------------------------------

@SQLITE_ONLY
def test_a_save_of_a_record_deleted_meanwhile_says_when_and_by_whom(app):
    """The unit fills in its 会办意见 while the office deletes that co-handling; the office
    edits an opinion a colleague deletes: each save is refused saying what happened."""
    _colleague(app)
    unit, office, colleague = (_signed_in(app, name) for name in ("qibao", "operator",
                                                                   COLLEAGUE))
    with app.app_context():
        co_id, opinion_id = db.session.execute(
            sa.select(CoHandling.id, CoHandling.opinion_id).join(CoHandling.unit)
            .where(Unit.name == "七宝镇").order_by(CoHandling.id)).first()
        other = db.session.scalar(sa.select(Opinion.id).where(
            Opinion.id != opinion_id).order_by(Opinion.id.desc()))
    edits = {"unit": (unit, f"/admin/co_handling/edit/?id={co_id}", "submitted_on",
                      "2017-03-05"),
             "office": (office, f"/admin/opinion/edit/?id={other}", "title", "我改的标题")}
    opened = {who: form_data(client.get(url).get_data(as_text=True))
              for who, (client, url, _, _) in edits.items()}
    for endpoint, record in (("co_handling", co_id), ("opinion", other)):
        deleted = colleague.post(f"/admin/{endpoint}/delete/", data={
            "csrf_token": csrf_token(colleague, f"/admin/{endpoint}/"), "id": record})
        assert deleted.status_code == 302
    said = {}
    for who, (client, url, field, value) in edits.items():
        response = client.post(url, data={**opened[who], field: value})
        assert response.status_code == 404
        said[who] = re.sub(r"\s+", " ", response.get_data(as_text=True))
        assert "已于" in said[who] and "删除" in said[who] and "您的修改未保存" in said[who]
        assert "返回上一页" in said[who]
        assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", said[who])
    # The office is told who; a unit is not told who in the office did it.
    assert f"由{COLLEAGUE}删除" in said["office"] and COLLEAGUE not in said["unit"]


def test_an_upload_beaten_by_a_save_of_its_opinion_leaves_no_file_and_says_so(app):
    """The unit uploads a 答复函 while the office saves the opinion: the upload's write
    finds the opinion a version on and fails; no row, no stored file, and a Chinese page
    that says the file must be chosen again, not the error page."""
    unit = _signed_in(app, "pujiang")
    with app.app_context():
        opinion_id = db.session.scalar(sa.select(Opinion.id).join(Opinion.lead_unit).where(
            Unit.name == "浦江镇").order_by(Opinion.id))
    token = csrf_token(unit, f"/admin/opinion/details/?id={opinion_id}")

    def upload() -> object:
        return unit.post("/admin/opinion/attachments/", content_type="multipart/form-data",
                         data={"csrf_token": token, "opinion_id": opinion_id, "kind": "答复函",
                               "file": (io.BytesIO(b"%PDF-1.4 reply"), "答复函.pdf")})

    def stored() -> list[Path]:
        return [p for p in Path(app.config["ATTACHMENT_FOLDER"]).rglob("*") if p.is_file()]

    saved = (sa.update(Opinion).where(Opinion.id == opinion_id)
             .values(title="区府办刚保存的标题", version=Opinion.version + 1))
    with colleague_first(Attachment, saved) as fired:
        response = upload()
    assert fired and response.status_code == 409
    page = response.get_data(as_text=True)
    assert "他人" in page and "未保存" in page and "重新选择文件" in page, page
    with app.app_context():
        assert db.session.get(Opinion, opinion_id).title == "区府办刚保存的标题"
        assert not db.session.scalars(sa.select(Attachment).where(
            Attachment.opinion_id == opinion_id, Attachment.original_name == "答复函.pdf")).all()
    assert stored() == []
    # Sent again, as the page offers, it is stored once.
    assert upload().status_code == 302 and len(stored()) == 1


@SQLITE_ONLY
def test_a_delete_from_a_list_older_than_a_save_does_not_take_the_save_with_it(app):
    """The office opens the co-handlings list; the unit then saves its 会办意见; deleting
    that row from the list opened before is refused, naming who saved it and when."""
    unit, office = _signed_in(app, "qibao"), _signed_in(app, "operator")
    with app.app_context():
        co_id = db.session.scalar(sa.select(CoHandling.id).join(CoHandling.unit).where(
            Unit.name == "七宝镇").order_by(CoHandling.opinion_id.desc(), CoHandling.id))
    listing = "/admin/co_handling/?search=七宝镇"
    listed = office.get(listing).get_data(as_text=True)
    (delete,) = [f for f in page_forms(listed) if f.action.startswith("/admin/co_handling/delete")
                 and f.fields.get("id") == str(co_id)]
    url = f"/admin/co_handling/edit/?id={co_id}"
    opened = form_data(unit.get(url).get_data(as_text=True))
    assert unit.post(url, data={**opened, "submitted_on": "2017-03-05"}).status_code == 302

    assert office.post(delete.action, data=delete.fields).status_code == 302
    said = _flashed(office)
    assert "删除未执行" in said and "qibao" in said and "请核对" in said, said
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", said), said
    with app.app_context():
        assert str(db.session.get(CoHandling, co_id).submitted_on) == "2017-03-05"
    # From the list as it is now, the delete goes through.
    listed = office.get(listing).get_data(as_text=True)
    (delete,) = [f for f in page_forms(listed) if f.action.startswith("/admin/co_handling/delete")
                 and f.fields.get("id") == str(co_id)]
    assert office.post(delete.action, data=delete.fields).status_code == 302
    with app.app_context():
        assert db.session.get(CoHandling, co_id) is None


@SQLITE_ONLY
def test_a_bulk_delete_from_a_list_older_than_a_save_spares_the_saved_row(app):
    """The same through the list's 对选中的记录 › 删除: each ticked row carries the version
    the list showed, and the row saved since is kept while the others go."""
    unit, office = _signed_in(app, "qibao"), _signed_in(app, "operator")
    with app.app_context():
        saved, other = db.session.scalars(sa.select(CoHandling.id).join(CoHandling.unit).where(
            Unit.name == "七宝镇").order_by(CoHandling.id).limit(2)).all()
    listed = office.get("/admin/co_handling/?search=七宝镇").get_data(as_text=True)
    versions = dict(re.findall(r'class="action-checkbox" value="(\d+)"[^>]*data-version="(\d+)"',
                               listed))
    (bulk,) = [f for f in page_forms(listed) if f.action.startswith("/admin/co_handling/action")]
    url = f"/admin/co_handling/edit/?id={saved}"
    opened = form_data(unit.get(url).get_data(as_text=True))
    assert unit.post(url, data={**opened, "submitted_on": "2017-03-05"}).status_code == 302

    ticked = [saved, other]
    assert office.post(bulk.action, data={
        **bulk.fields, "action": "delete", "rowid": [str(i) for i in ticked],
        "row_version": [f"{i}:{versions[str(i)]}" for i in ticked]}).status_code == 302
    said = _flashed(office)
    assert "删除未执行" in said and "qibao" in said, said
    with app.app_context():
        assert str(db.session.get(CoHandling, saved).submitted_on) == "2017-03-05"
        assert db.session.get(CoHandling, other) is None


@SQLITE_ONLY
def test_a_form_naming_a_unit_deleted_meanwhile_is_refused_in_chinese(app):
    """The office picks a new lead unit on a form opened before the system administrator
    deleted that (unused) unit: the save is refused, in Chinese only, and nothing changes."""
    with app.app_context():
        unit = Unit(name="临时新设局", kind="委办局")
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
        opinion_id, lead = db.session.execute(
            sa.select(Opinion.id, Opinion.lead_unit_id).order_by(Opinion.id)).first()
    office, sysadmin = _signed_in(app, "operator"), _signed_in(app, "sysadmin")
    url = f"/admin/opinion/edit/?id={opinion_id}"
    opened = form_data(office.get(url).get_data(as_text=True))
    assert sysadmin.post("/admin/unit/delete/", data={
        "csrf_token": csrf_token(sysadmin, "/admin/unit/"), "id": unit_id}).status_code == 302
    response = office.post(url, data={**opened, "lead_unit": str(unit_id),
                                      "reassignment_reason": "改由新设局办理"})
    page = response.get_data(as_text=True)
    shown = re.sub(r"\s+", " ", re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ",
                                        page, flags=re.S))
    assert response.status_code == 200 and "保存失败" in shown and "已不存在" in shown
    assert "Failed" not in shown and "Not a valid" not in shown
    with app.app_context():
        assert db.session.get(Opinion, opinion_id).lead_unit_id == lead


# -- office decisions racing each other ----------------------------------------------------------

@SQLITE_ONLY
def test_approving_a_request_from_a_page_older_than_a_reassignment_does_not_undo_it(app):
    """浦江镇 asks to return its opinion; a colleague reassigns it from the opinion form
    meanwhile; approving the request from the case file opened before would move the
    opinion again, from the colleague's new lead unit: it is refused, saying so."""
    _colleague(app)
    unit, office = _signed_in(app, "pujiang"), _signed_in(app, "operator")
    with app.app_context():
        opinion = _opinion_0160()
        opinion_id = opinion.id
        qibao = db.session.scalar(sa.select(Unit.id).where(Unit.name == "七宝镇"))
    case_file = f"/admin/opinion/details/?id={opinion_id}"
    assert unit.post("/admin/opinion/request-change/", data={
        "csrf_token": csrf_token(unit, case_file), "opinion_id": opinion_id,
        "kind": "申请退回", "reason": "不属本镇职能"}).status_code == 302
    stale = office.get(case_file).get_data(as_text=True)
    with app.app_context(), acting_as(COLLEAGUE, "web"):
        water = db.session.scalars(sa.select(Unit).where(Unit.name == "区水务局")).one()
        reassigning.reassign(db.session.get(Opinion, opinion_id), water, "区水务局职能")
        db.session.commit()

    (form,) = [f for f in page_forms(stale) if f.action.endswith("/approve/")]
    office.post(form.action, data={**form.fields, "to_unit_id": qibao})
    said = _flashed(office)
    assert "未处理" in said and COLLEAGUE in said and "区水务局" in said, said
    with app.app_context():
        opinion = db.session.get(Opinion, opinion_id)
        assert opinion.lead_unit.name == "区水务局" and len(opinion.reassignments) == 1
        assert opinion.reassignment_requests[0].status == "待处理"


def test_office_decisions_landing_together_keep_the_first_and_tell_the_second(app):
    """Two officers answer the same request (申请退回: one approves, one declines) or take
    the first 公开审核 decision on the same reply at the same moment: the first stays, the
    second changes nothing and is told so in Chinese (not an error page)."""
    _colleague(app)
    unit, office = _signed_in(app, "pujiang"), _signed_in(app, "operator")
    with app.app_context():
        opinion = _opinion_0160()
        opinion_id, lead = opinion.id, opinion.lead_unit_id
        water = db.session.scalar(sa.select(Unit.id).where(Unit.name == "区水务局"))
        published = db.session.scalar(
            sa.select(Opinion.id).where(reviewable()).order_by(Opinion.id))
    case_file = f"/admin/opinion/details/?id={opinion_id}"
    token = csrf_token(unit, case_file)
    assert unit.post("/admin/opinion/request-change/", data={
        "csrf_token": token, "opinion_id": opinion_id, "kind": "申请退回",
        "reason": "不属本镇职能"}).status_code == 302
    with app.app_context():
        request_id = db.session.scalar(sa.select(ReassignmentRequest.id).where(
            ReassignmentRequest.opinion_id == opinion_id))
    token = csrf_token(office, case_file)

    declined = (sa.update(ReassignmentRequest).where(ReassignmentRequest.id == request_id)
                .values(status="未同意", decision="仍由浦江镇办理", decided_by=COLLEAGUE,
                        decided_at=sa.func.now(), version=ReassignmentRequest.version + 1))
    with colleague_first(ReassignmentRequest, declined) as fired:
        response = office.post("/admin/reassignment_request/approve/", data={
            "csrf_token": token, "id": request_id, "to_unit_id": water})
    assert fired and response.status_code == 302
    said = _flashed(office)
    assert "未处理" in said and "刚刚" in said and "请刷新" in said, said
    # Clicked again from the same page: whose answer it was, and when.
    office.post("/admin/reassignment_request/approve/", data={
        "csrf_token": token, "id": request_id, "to_unit_id": water})
    said = _flashed(office)
    assert f"{COLLEAGUE}于" in said and "未同意：仍由浦江镇办理" in said, said
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", said), said

    decided = sa.insert(Publication).values(
        opinion_id=published, public_id="f" * 32, status="不予公开", reason="涉及个人隐私",
        note="", decided_by=COLLEAGUE, version=1)
    with colleague_first(Publication, decided) as fired:
        response = office.post("/admin/publication/approve/", data={
            "csrf_token": token, "opinion_id": published, "seen": "0"})
    assert fired and response.status_code == 302
    said = _flashed(office)
    assert "未处理" in said and "刚刚" in said, said

    with app.app_context():
        request_ = db.session.get(ReassignmentRequest, request_id)
        assert (request_.status, request_.decided_by) == ("未同意", COLLEAGUE)
        assert db.session.get(Opinion, opinion_id).lead_unit_id == lead
        assert not db.session.scalars(sa.select(Reassignment).where(
            Reassignment.opinion_id == opinion_id)).all()
        publication = db.session.scalars(sa.select(Publication).where(
            Publication.opinion_id == published)).one()
        assert (publication.status, publication.decided_by) == ("不予公开", COLLEAGUE)


def test_two_saves_of_the_years_rules_landing_together_keep_the_first(app):
    """Both opened the 2017 rules on the same version; the colleague's save lands between
    my check and my write: mine is refused as stale, not shown as an error page."""
    _colleague(app)
    office = _signed_in(app, "operator")
    url, save = "/admin/assessment/rules/?year=2017", "/admin/assessment/rules/save/?year=2017"
    opened = form_data(office.get(url).get_data(as_text=True))
    assert office.post(save, data={**opened, "praise_cap": "4"}).status_code == 302
    opened = form_data(office.get(url).get_data(as_text=True))
    theirs = (sa.update(AssessmentRuleset).where(AssessmentRuleset.year == 2017)
              .values(updated_by=COLLEAGUE, version=AssessmentRuleset.version + 1))
    with colleague_first(AssessmentRuleset, theirs) as fired:
        response = office.post(save, data={**opened, "praise_cap": "2"})
    assert fired and response.status_code == 200
    assert "已被他人修改" in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalars(sa.select(AssessmentRuleset).where(
            AssessmentRuleset.year == 2017)).one()
        assert (row.updated_by, str(row.rules["praise_cap"])) == (COLLEAGUE, "4")


# -- the deputy's online evaluation and the office's paper 测评表 ---------------------------------

def _paper_disagreement(app: Flask) -> str:
    """Import, as the office does, the deputy's paper 测评表 saying 不同意, dated today;
    return how it ended."""
    with app.app_context():
        path = Path(app.config["IMPORT_FOLDER"]).parent / "纸质测评表.xlsx"
        write_rows(path, ["编号", "领衔代表", "主办单位", "对答复是否同意", "测评日期"],
                   [[NUMBER, DEPUTY, "浦江镇", "不同意", local_today()]])
        try:
            result = run_import(db.session, [path], "evaluations", session=SESSION,
                                dry_run=False, actor="operator")
        except StalePlan as stale:
            return f"refused: {stale}"
        if result.status == "refused":
            return "refused: " + "；".join(p.message for p in result.plan.errors)
        return result.status


def test_an_online_evaluation_and_a_paper_one_landing_together_never_stand_side_by_side(
        app):
    """The office imports the deputy's paper 测评表 (不同意) while the deputy sends the
    online form (同意): one of them is recorded, the other refused and said so, never both
    for the same day unchecked by each other."""
    with app.app_context():
        add_deputy_account(DEPUTY)
        opinion_id = _opinion().id
    deputy = _signed_in(app, "deputy")
    page = f"/admin/mine/opinion/?id={opinion_id}"
    form = {"csrf_token": csrf_token(deputy, page), "opinion_id": opinion_id,
            "agrees": "同意", "grade": "好", "praised": "是", "consents_to_publish": "是"}
    checked_then_written = online_evaluations.prepare_import
    paper: list[str] = []
    office = threading.Thread(target=lambda: paper.append(_paper_disagreement(app)))

    def paper_meanwhile(*args: object, **kwargs: object) -> object:
        # The deputy's evaluation was checked; the office's import runs now, and is let
        # finish before the deputy's is written if nothing holds it back.
        office.start()
        office.join(timeout=1.0)
        return checked_then_written(*args, **kwargs)

    with mock.patch.object(online_evaluations, "prepare_import", paper_meanwhile):
        assert deputy.post("/admin/mine/evaluate/", data=form).status_code == 302
    office.join(timeout=30)
    said = _flashed(deputy)
    with app.app_context():
        kept = db.session.execute(sa.select(Evaluation.agrees, Evaluation.grade).where(
            Evaluation.opinion_id == opinion_id)).all()
    # The deputy's came first, so it stands; the office's import, held out until then,
    # finds it and is refused: a 不同意 cannot take over the day's graded 同意.
    assert kept == [(True, "好")], (kept, said, paper)
    assert "测评已提交" in said
    assert paper and paper[0].startswith("refused: ") and "与本行“不同意”矛盾" in paper[0], paper


@SQLITE_ONLY
def test_nothing_lands_under_the_import_commands_plan_while_it_reads(app, tmp_path):
    """An evaluation sent while `backoffice import` reads a 测评表 of the same opinion and
    day cannot land between the command's reading and its writing: the command holds
    writers out from its first read, so the save waits (here, past its busy timeout) and
    the command applies what it planned against."""
    with app.app_context():
        opinion_id = _opinion().id
    path = tmp_path / "纸质测评表.xlsx"
    write_rows(path, ["编号", "领衔代表", "主办单位", "对答复是否同意", "测评日期"],
               [[NUMBER, DEPUTY, "浦江镇", "不同意", local_today()]])
    read = imports.prepare_import
    meanwhile: list[str] = []

    def recorded_meanwhile(*args: object, **kwargs: object) -> object:
        prepared = read(*args, **kwargs)
        database = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
        online = sqlite3.connect(database, timeout=0.2)  # the deputy's save, landing now
        try:
            online.execute("INSERT INTO evaluations (opinion_id, evaluated_on, agrees, grade,"
                           " praised, consents_to_publish, note) VALUES (?, ?, 1, '好', 0, 0, '')",
                           (opinion_id, local_today().isoformat()))
            online.commit()
            meanwhile.append("landed")
        except sqlite3.OperationalError as error:
            meanwhile.append(str(error))
        finally:
            online.close()
        return prepared

    with mock.patch.object(imports, "prepare_import", recorded_meanwhile):
        result = app.test_cli_runner().invoke(args=[
            "import", "evaluations", str(path), "--session", SESSION])
    assert meanwhile == ["database is locked"]
    assert result.exit_code == 0, result.output
    with app.app_context():
        kept = db.session.execute(sa.select(Evaluation.agrees, Evaluation.grade).where(
            Evaluation.opinion_id == opinion_id)).all()
    assert kept == [(False, None)]


@SQLITE_ONLY
def test_an_import_refused_as_it_reads_lets_the_writers_in_again(app, tmp_path):
    """`run_import` holds writers out from its first read; a call it refuses (a session
    that does not exist) gives the database back at once, not when the session ends."""
    path = tmp_path / "纸质测评表.xlsx"
    write_rows(path, ["编号", "领衔代表", "主办单位", "对答复是否同意", "测评日期"],
               [[NUMBER, DEPUTY, "浦江镇", "不同意", local_today()]])
    with app.app_context():
        with pytest.raises(UsageError, match="尚不存在"):
            run_import(db.session, [path], "evaluations", session="区九届人大一次会议",
                       dry_run=False)
        other = sqlite3.connect(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database,
                                timeout=0.2)
        try:
            other.execute("UPDATE units SET name = name")  # locked, were the lock still held
            other.commit()
        finally:
            other.close()


# -- two imports of overlapping files at once ----------------------------------------------------

def test_two_overlapping_imports_applied_at_once_give_one_whole_import_and_one_refusal(
        app, tmp_path):
    """Two officers preview overlapping assignment lists of a new session and press 应用
    together: one import goes in whole, the other is refused with nothing of it written."""
    _colleague(app)
    clients = [_signed_in(app, "operator"), _signed_in(app, COLLEAGUE)]
    with app.app_context():
        files = [assignment_list(tmp_path / f"交办清单{n}.xlsx",
                                 [opinion_row(number) for number in numbers])
                 for n, numbers in enumerate(((1, 2, 3), (2, 3, 4)))]
    tokens = [preview_token(upload(client, path)) for client, path in zip(clients, files,
                                                                          strict=True)]
    forms = [csrf_token(client, f"{BASE}/preview/{token}/")
             for client, token in zip(clients, tokens, strict=True)]
    start = threading.Barrier(2)
    said: list[str] = ["", ""]

    def apply(n: int) -> None:
        start.wait()
        clients[n].post(f"{BASE}/preview/{tokens[n]}/apply", data={"csrf_token": forms[n]})
        said[n] = _flashed(clients[n])

    both = [threading.Thread(target=apply, args=(n,)) for n in range(2)]
    for thread in both:
        thread.start()
    for thread in both:
        thread.join(timeout=60)
    applied = [n for n in range(2) if said[n].startswith("已导入")]
    assert len(applied) == 1, said
    refused = said[1 - applied[0]]
    assert "已在预览之后创建" in refused and "请重新预览" in refused, said
    with app.app_context():
        numbers = sorted(int(n) for n in db.session.scalars(
            sa.select(Opinion.number).join(CongressSession)
            .where(CongressSession.name == NEW_SESSION)))
        runs = db.session.scalar(sa.select(sa.func.count()).select_from(ImportRun).where(
            ImportRun.source == "web"))
    assert numbers == ([1, 2, 3] if applied == [0] else [2, 3, 4]) and runs == 1


# -- undoing an import after later edits -----------------------------------------------------------

@SQLITE_ONLY
def test_undoing_an_import_after_a_later_edit_says_what_who_and_when_and_works_once_reverted(
        app, tmp_path):
    """A colleague changes the title an import wrote: the undo is refused naming the field
    in Chinese, who and when, and nothing changes; once the title the import wrote is back,
    the undo goes through, as the message says it would."""
    _colleague(app)
    path = edited(DATA / "2017" / "书面意见交办清单.xlsx", tmp_path / "交办清单.xlsx",
                  cells={"城市建设和管理": {"C4": "导入的标题"}})
    office, colleague = _signed_in(app, "operator"), _signed_in(app, COLLEAGUE)
    with app.app_context():
        result = run_import(db.session, [path], "opinions", session=SESSION, dry_run=False,
                            actor="operator")
        run_id = result.run_id
        opinion_id, title = db.session.execute(
            sa.select(Opinion.id, Opinion.title).where(Opinion.title == "导入的标题")).one()
    url = f"/admin/opinion/edit/?id={opinion_id}"

    def retitle(text: str) -> None:
        opened = form_data(colleague.get(url).get_data(as_text=True))
        assert colleague.post(url, data={**opened, "title": text}).status_code == 302

    def undo() -> str:
        office.post(f"{BASE}/history/{run_id}/undo",
                    data={"csrf_token": csrf_token(office, f"{BASE}/history/{run_id}/")})
        return _flashed(office)

    retitle("同事改的标题")
    said = undo()
    assert f"导入后已被修改（标题；{COLLEAGUE}于" in said, said
    assert re.search(rf"{COLLEAGUE}于\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}）", said), said
    assert not re.search(r"[a-z_]{4,}", said.replace(COLLEAGUE, "")), said  # no column names
    with app.app_context():
        assert db.session.get(Opinion, opinion_id).title == "同事改的标题"
    retitle("导入的标题")
    assert "已撤销导入" in undo()
    with app.app_context():
        assert db.session.get(Opinion, opinion_id).title not in (title, "同事改的标题")
    again = undo()
    assert re.search(r"已于\d{4}-\d{2}-\d{2} \d{2}:\d{2}撤销", again), again


# -- a job that partly ran -----------------------------------------------------------------------

class _FailingSecond:
    """An SMS platform whose connection breaks in an unforeseen way on the second text."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, address: str, subject: str, body: str) -> None:
        if self.sent:
            raise ConnectionAbortedError("connection broken mid-request")
        self.sent.append(address)


@SQLITE_ONLY
def test_a_sending_job_that_breaks_midway_says_what_it_sent_not_that_nothing_changed(app):
    """The outbox's 发送 job sends one text, then breaks: its page must not say that
    nothing changed (one text went out, and is recorded so), and its retry sends the
    rest, never the one already sent."""
    platform = _FailingSecond()
    app.config["SMS_SENDER"] = platform
    with app.app_context():
        unit_id = db.session.scalar(sa.select(Unit.id).order_by(Unit.id))
        for n in range(3):
            db.session.add(OutboxMessage(
                as_of=local_today(), unit_id=unit_id, recipient=f"联络员{n}", channel="短信",
                address=f"1380000000{n}", subject="测试提醒", body="测试"))
        db.session.commit()
    office = _signed_in(app, "operator")
    sent = office.post("/admin/outbox/send",
                       data={"csrf_token": csrf_token(office, "/admin/outbox/")})
    job_id = int(re.search(r"/admin/jobs/(\d+)/$", sent.location).group(1))
    progress = wait_for(office, job_id)
    assert progress["state"] == "失败", progress
    assert "未作任何更改" not in progress["message"], progress["message"]
    assert "已发出的消息已记为已发送" in progress["message"], progress["message"]
    with app.app_context():
        states = [m.status for m in db.session.scalars(
            sa.select(OutboxMessage).order_by(OutboxMessage.id))]
    assert states == [Delivery.SENT, Delivery.FAILED, Delivery.PENDING]
    # Retried, it sends what is still pending, and not the one already sent.
    platform.send = lambda address, subject, body: platform.sent.append(address)
    retried = office.post(f"/admin/jobs/{job_id}/retry",
                          data={"csrf_token": csrf_token(office, f"/admin/jobs/{job_id}/")})
    again = int(re.search(r"/admin/jobs/(\d+)/$", retried.location).group(1))
    assert wait_for(office, again)["state"] == "已完成"
    assert platform.sent == ["13800000000", "13800000002"]
    with app.app_context():
        assert db.session.get(Job, again).message.startswith("发送成功 1 条")


@SQLITE_ONLY
def test_an_import_job_that_breaks_after_its_commit_says_the_import_is_in(app, tmp_path):
    """An import job whose import committed, then broke before it could say so: its page
    must say the import is in (with its record), not that nothing changed — a retry or a
    new upload would otherwise follow a false report."""
    app.config["JOBS_ROWS"] = 1
    office = _signed_in(app, "operator")
    token = previewed(office, tmp_path, 1, 3)
    with mock.patch("backoffice.jobs.imports.applied_message",
                    side_effect=RuntimeError("broken after the commit")):
        job_id = apply_as_job(office, token)
        progress = wait_for(office, job_id)
    with app.app_context():
        (run_id,) = db.session.scalars(sa.select(ImportRun.id).where(
            ImportRun.source == "web")).all()
        assert new_opinions() == 3
        job = db.session.get(Job, job_id)
        assert job.result_url and job.result_url.endswith(f"/history/{run_id}/")
    assert progress["state"] == "已完成", progress
    assert "未作任何更改" not in progress["message"]
    assert f"导入记录 #{run_id}" in progress["message"], progress["message"]
