"""Applying a plan: all or nothing, skip-invalid, idempotent, audited, checked, undoable."""

import shutil
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from backoffice import deadlines
from backoffice.audit import acting_as
from backoffice.demo import DATA
from backoffice.extensions import db
from backoffice.imports import (
    StalePlan,
    UndoRefused,
    apply_prepared,
    prepare_import,
    run_import,
    undo_import,
)
from backoffice.models import (
    AuditEntry,
    CoHandling,
    CongressSession,
    ImportRun,
    Opinion,
    Reassignment,
    Unit,
)
from backoffice.models.sessions import DEFAULT_DEADLINES
from importers.planning import Outcome
from tests.backoffice.imports.tables import (
    BOOKKEEPING,
    LOGS,
    NEW_SESSION,
    assignment_list,
    dump,
    opinion_row,
)
from tests.importers.workbook_builders import OPINION_HEADER

SESSION_2017 = "区六届人大一次会议"


def edited(source, target, cells=None, rows=None):
    """Copy a workbook, setting {sheet: {cell: value}} and appending {sheet: [row, ...]}."""
    book = openpyxl.load_workbook(source)
    for sheet, values in (cells or {}).items():
        for ref, value in values.items():
            book[sheet][ref] = value
    for sheet, new_rows in (rows or {}).items():
        for row in new_rows:
            book[sheet].append(row)
    book.save(target)
    return target


def changes_to_2017(folder):
    """Write sheets that create, update and delete across units, opinions and handling."""
    folder.mkdir()
    edited(DATA / "2017" / "承办单位名录.xlsx", folder / "units.xlsx",
           cells={"Sheet1": {"D5": "闵行区浦江镇、浦江"}},
           rows={"Sheet1": [[53, "区新设局", "委办局", "新设局"]]})
    edited(DATA / "2017" / "书面意见交办清单.xlsx", folder / "list.xlsx",
           cells={"城市建设和管理": {"C4": "关于浦星公路小区加装电梯的建议（修订）",
                                    "H5": "浦江镇", "E5": "曾杰浩、金英超"},
                  "社会事业": {"I5": "区残联"}},
           rows={"城市建设和管理": [[999, 999, "关于新设局的建议", "谭明峰", None,
                                    "颛桥镇代表团", "城市建设和管理", "区新设局", None,
                                    "2017-02-20", None]]})
    edited(DATA / "2017" / "办理情况" / "浦江镇-办理情况汇总.xlsx", folder / "handling.xlsx",
           cells={"Sheet1": {"D4": "2017-02-23"}})
    return folder


def opinion_2017(number):
    return db.session.scalar(sa.select(Opinion).join(CongressSession).where(
        Opinion.number == number, CongressSession.name == SESSION_2017))


@pytest.fixture
def admin_import(app):
    def run(paths, **options):
        options = {"session": SESSION_2017, "dry_run": False, "actor": "admin", **options}
        return run_import(db.session, paths, "auto", **options)

    return run


def test_skip_invalid_puts_the_valid_rows_in_and_lists_the_rest(app, tmp_path, admin_import):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [
            opinion_row(1), opinion_row(2, 主办单位="区交通局"), opinion_row(3)])
        refused = admin_import([path], session=NEW_SESSION, year=2018)
        assert refused.status == "refused"
        assert refused.counts == {"created": 0, "updated": 0, "unchanged": 0, "skipped": 3,
                                  "conflicted": 0}

        result = admin_import([path], session=NEW_SESSION, year=2018, skip_invalid=True)
        assert result.status == "applied"
        assert result.counts == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 1,
                                 "conflicted": 0}
        [error] = result.to_json()["errors"]
        assert error["cell"] == "城市建设和管理!H3" and "区交通局" in error["message"]
        numbers = db.session.scalars(sa.select(Opinion.number).join(CongressSession)
                                     .where(CongressSession.name == NEW_SESSION))
        assert sorted(numbers) == ["0001", "0003"]
        run = db.session.get(ImportRun, result.run_id)
        assert (run.created, run.skipped, run.actor) == (2, 1, "admin")
        assert [p["cell"] for p in run.problems] == ["城市建设和管理!H3"]


def test_a_blank_cell_clears_a_text_the_database_keeps_as_empty(app, tmp_path, admin_import):
    with app.app_context():
        header = [*OPINION_HEADER, "内容"]
        first = assignment_list(tmp_path / "first.xlsx", [])
        book = openpyxl.load_workbook(first)
        sheet = book["城市建设和管理"]
        sheet.delete_rows(1)
        sheet.append(header)
        sheet.append([*opinion_row(1), "加装电梯"])
        book.save(first)
        assert admin_import([first], session=NEW_SESSION, year=2018).applied
        sheet["L2"] = None
        book.save(tmp_path / "second.xlsx")
        result = admin_import([tmp_path / "second.xlsx"], session=NEW_SESSION)
        assert result.applied and result.counts["updated"] == 1
        opinion = db.session.scalar(sa.select(Opinion).join(CongressSession).where(
            CongressSession.name == NEW_SESSION))
        assert opinion.content == ""


def test_a_missing_session_is_created_with_default_deadlines(app, tmp_path, admin_import):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row(1)])
        result = admin_import([path], session=NEW_SESSION, year=2018)
        assert result.plan.creates_session and result.applied
        session = db.session.scalar(sa.select(CongressSession)
                                    .where(CongressSession.name == NEW_SESSION))
        assert session.year == 2018
        assert {key: getattr(session, key) for key in DEFAULT_DEADLINES} == DEFAULT_DEADLINES
        opinion = db.session.scalar(sa.select(Opinion).where(Opinion.session_id == session.id))
        due = deadlines.due_dates(date(2018, 2, 20), session,
                                  deadlines.load_calendar(db.session))
        assert (opinion.accept_due_on, opinion.consult_due_on, opinion.reply_due_on) == (
            due.accept, due.consult, due.reply)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(app, tmp_path,
                                                                       admin_import):
    with app.app_context():
        folder = changes_to_2017(tmp_path / "changes")
        assert admin_import([folder]).applied
        before = dump()
        again = admin_import([folder])
        assert again.status == "unchanged"
        assert again.counts["created"] == again.counts["updated"] == 0
        assert again.counts["unchanged"] == len(again.plan.rows)
        assert dump() == before


def test_the_demo_years_import_again_unchanged(app, admin_import):
    with app.app_context():
        result = admin_import([DATA / "2017"], dry_run=True)
        assert result.plan.counts()[Outcome.UNCHANGED] == len(result.plan.rows)
        assert not result.plan.has_changes


def test_an_update_is_planned_field_by_field_applied_and_audited(app, tmp_path, admin_import):
    with app.app_context():
        folder = changes_to_2017(tmp_path / "changes")
        plan = admin_import([folder], dry_run=True).plan
        rows = {(row.kind, row.key): row for row in plan.rows}
        title = rows["opinions", (1,)]
        assert title.outcome is Outcome.UPDATE
        assert [(c.field, c.old, c.new) for c in title.changes] == [
            ("title", "关于浦星公路小区加装电梯的建议", "关于浦星公路小区加装电梯的建议（修订）")]
        moved = rows["opinions", (2,)].changed
        assert (moved["lead_unit"].old, moved["lead_unit"].new) == ("区农委", "浦江镇")
        assert rows["opinions", (999,)].outcome is Outcome.CREATE
        assert rows["units", ("区新设局",)].outcome is Outcome.CREATE
        assert rows["handling", (1,)].changed["accepted_on"].new == date(2017, 2, 23)
        dropped = rows["opinions", (17,)]
        assert [p.message for p in dropped.warnings] == [
            "会办单位：不再会办的“古美路街道”的会办意见和评价将被删除"]

        result = admin_import([folder])
        assert result.applied
        opinion = opinion_2017("0002")
        assert opinion.lead_unit.name == "浦江镇"
        assert [(r.from_unit.name, r.to_unit.name, r.actor) for r in db.session.scalars(
            sa.select(Reassignment).where(Reassignment.opinion_id == opinion.id))] == [
            ("区农委", "浦江镇", "admin")]
        entry = db.session.scalar(sa.select(AuditEntry).where(
            AuditEntry.table_name == "opinions", AuditEntry.opinion_id == opinion.id,
            AuditEntry.action == "修改", AuditEntry.actor == "admin"))
        assert entry.source == "import"
        assert entry.changes["lead_unit"] == ["区农委", "浦江镇"]  # named, as a form names it
        old, new = entry.changes["cosigners"]
        assert (sorted(old), new) == (sorted(["曾杰浩", "金英超", "邓兰建"]), ["曾杰浩", "金英超"])
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == "浦江镇"))
        assert sorted(alias.alias for alias in unit.aliases) == ["浦江", "闵行区浦江镇"]


def _versions() -> dict[int, int]:
    return dict(db.session.execute(sa.select(Opinion.id, Opinion.version)).all())


def test_undo_restores_the_database_exactly(app, tmp_path, admin_import):
    with app.app_context():
        before, versions = dump(exclude=BOOKKEEPING), _versions()
        result = admin_import([changes_to_2017(tmp_path / "changes")])
        assert dump(exclude=BOOKKEEPING) != before
        imported = _versions()
        undone = undo_import(db.session, result.run_id, "admin")
        db.session.commit()
        assert undone.deleted > 0 and undone.restored > 0 and undone.reinserted > 0
        assert dump(exclude=BOOKKEEPING) == before
        # Values go back, versions go on up: a form opened after the import is stale now.
        after = _versions()
        touched = {key for key in versions if imported[key] != versions[key]}
        assert touched and all(after[key] > imported[key] for key in touched)
        assert db.session.get(ImportRun, result.run_id).status == "已撤销"
        with pytest.raises(UndoRefused, match="已于"):
            undo_import(db.session, result.run_id, "admin")


def test_undo_is_refused_when_a_row_changed_after_the_import(app, tmp_path, admin_import):
    with app.app_context():
        result = admin_import([changes_to_2017(tmp_path / "changes")])
        with acting_as("pujiang", "web"):
            opinion = db.session.scalar(sa.select(Opinion).where(Opinion.title.like("%（修订）")))
            opinion.consulted_on = date(2017, 3, 10)
            db.session.commit()
        before = dump()
        with pytest.raises(UndoRefused, match="导入后已被修改"):
            undo_import(db.session, result.run_id, "admin")
        db.session.rollback()
        assert dump() == before


def test_undo_is_refused_when_a_row_it_created_changed_since(app, tmp_path, admin_import):
    with app.app_context():
        result = admin_import([changes_to_2017(tmp_path / "changes")])
        with acting_as("zhuanjiang", "web"):
            opinion_2017("0999").accepted_on = date(2017, 2, 22)
            db.session.commit()
        before = dump()
        with pytest.raises(UndoRefused, match="导入后已被修改（zhuanjiang）"):
            undo_import(db.session, result.run_id, "admin")
        db.session.rollback()
        assert dump() == before


def test_undo_is_refused_when_later_rows_point_at_rows_it_would_delete(app, tmp_path,
                                                                      admin_import):
    with app.app_context():
        result = admin_import([changes_to_2017(tmp_path / "changes")])
        with acting_as("admin", "web"):
            opinion = db.session.scalar(sa.select(Opinion).where(Opinion.number == "0999"))
            unit = db.session.scalar(sa.select(Unit).where(Unit.name == "七宝镇"))
            db.session.add(CoHandling(opinion=opinion, unit=unit))
            db.session.commit()
        with pytest.raises(UndoRefused, match="在导入之后添加"):
            undo_import(db.session, result.run_id, "admin")


def test_a_domain_check_fails_at_its_cell_and_nothing_is_applied(app, tmp_path, admin_import):
    with app.app_context():
        path = edited(DATA / "2017" / "办理情况" / "浦江镇-办理情况汇总.xlsx",
                      tmp_path / "handling.xlsx", cells={"Sheet1": {"D4": "2017-02-01"}})
        before = dump(exclude=LOGS)
        result = admin_import([path])
        assert result.status == "refused"
        [error] = result.errors
        assert error.cell == "Sheet1!D4"
        assert error.message == "签收日期（2017-02-01）不能早于交办日期（2017-02-20）。"
        assert dump(exclude=LOGS) == before


def test_a_plan_the_data_moved_away_from_is_not_applied(app, tmp_path):
    with app.app_context():
        folder = changes_to_2017(tmp_path / "changes")
        prepared = prepare_import(db.session, [folder], session=SESSION_2017)
        with acting_as("admin", "web"):
            opinion = opinion_2017("0001")
            opinion.title = "另一位同事改的标题"
            db.session.commit()
        before = dump(exclude=LOGS)
        with pytest.raises(StalePlan, match="请重新预览"):
            apply_prepared(db.session, prepared, actor="admin", check_stale=True)
        assert dump(exclude=LOGS) == before


def test_files_are_kept_by_their_hash(app, tmp_path, admin_import):
    with app.app_context():
        path = assignment_list(tmp_path / "list.xlsx", [opinion_row(1)])
        copy = shutil.copy(path, tmp_path / "copy.xlsx")
        result = admin_import([path, copy], session=NEW_SESSION, year=2018,
                              skip_invalid=True)
        files = db.session.get(ImportRun, result.run_id).files
        assert files[0].sha256 == files[1].sha256 and files[0].stored_name == files[1].stored_name
        stored = tmp_path / "imports" / files[0].stored_name
        assert stored.read_bytes() == path.read_bytes()
