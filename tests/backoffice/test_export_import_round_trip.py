"""Exports go round: imported back they change nothing; edited, exactly what was edited."""

import tempfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice import stamp_signing
from backoffice.audit import acting_as
from backoffice.exports import export_kind, export_worklist
from backoffice.extensions import db
from backoffice.imports import run_import
from backoffice.models import CongressSession, Unit
from importers.exporting import split_workbook
from importers.schemas import KINDS, SCHEMAS
from importers.stamps import read_stamps, row_key, stamp_text
from importers.vocabulary import ContactMethod, Grade, UnitKind
from tests.backoffice.database_edits import Database, edits
from tests.importers.export_rows import texts

FIRST_ROW = 3  # Excel's row of the first data row, under the title and the header


def session_2017() -> CongressSession:
    return db.session.scalar(sa.select(CongressSession).where(CongressSession.year == 2017))


def dry_run(path: Path, kind: str, session: CongressSession):
    result = run_import(db.session, [path], kind, session=session.name, dry_run=True)
    assert [str(p) for p in result.errors] == []
    assert [str(p) for p in result.warnings] == []
    return result


@pytest.mark.parametrize("kinds", [KINDS[:6], KINDS[6:]], ids=["directory-opinions", "around"])
def test_every_export_imports_back_with_every_row_unchanged(app, tmp_path, kinds):
    with app.app_context():
        session = session_2017()
        for kind in kinds:
            path = tmp_path / f"{kind}.xlsx"
            rows = export_kind(db.session, kind, path, session=session)
            result = dry_run(path, kind, session)
            assert result.counts == {"created": 0, "updated": 0, "unchanged": rows,
                                     "skipped": 0, "conflicted": 0}, kind
            _assert_stamped_as_read(path, result)


def _assert_stamped_as_read(path: Path, result) -> None:
    """Every row is stamped, each editable value as the import reads it from its cell: a
    stamp compares with the database's value only if the two are written alike."""
    stamps = read_stamps(path, stamp_signing.verify)
    assert stamps is not None and stamps.problems == []
    for row in result.plan.rows:
        stamp = stamps.stamps[row.kind, row_key(row.kind, row.record.get)]
        assert stamp.values, row.kind
        for field, text in stamp.values.items():
            assert stamp_text(row.record.get(field), row.kind, field) == text, (row, field)


def test_a_worklist_split_into_its_kinds_imports_back_unchanged(app, tmp_path):
    with app.app_context():
        session = session_2017()
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == "区交通委"))
        rows = export_worklist(db.session, unit, session, tmp_path / "清单.xlsx")
        parts = split_workbook(tmp_path / "清单.xlsx", tmp_path / "parts")
        result = run_import(db.session, parts, "auto", session=session.name, dry_run=True)
        assert [str(p) for p in result.errors] == []
        assert result.counts == {"created": 0, "updated": 0, "unchanged": rows, "skipped": 0,
                                 "conflicted": 0}


def test_a_returned_worklist_imports_as_it_is_and_changes_exactly_the_edited_cell(
    app, tmp_path
):
    with app.app_context():
        session = session_2017()
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == "区交通委"))
        path = tmp_path / "区交通委-办理清单.xlsx"
        rows = export_worklist(db.session, unit, session, path)
        unchanged = run_import(db.session, [path], "auto", session=session.name, dry_run=True)
        assert [str(p) for p in unchanged.errors] == []
        assert unchanged.counts == {"created": 0, "updated": 0, "unchanged": rows, "skipped": 0,
                                    "conflicted": 0}

        book = openpyxl.load_workbook(path)
        sheet = book["办理情况"]
        headers = [cell.value for cell in sheet[FIRST_ROW - 1]]
        accepted = sheet.cell(FIRST_ROW, headers.index("签收日期") + 1)
        new_date = accepted.value.date() + timedelta(days=1)
        accepted.value = new_date
        book.save(path)
        edited = run_import(db.session, [path], "auto", session=session.name, dry_run=True)
        assert edited.counts["updated"] == 1, [str(p) for p in edited.errors]
        (row,) = [r for r in edited.plan.rows if r.outcome.value == "update"]
        assert [(field, new) for field, _old, new in row.changes] == [("accepted_on", new_date)]


# What a user may change in each kind's sheet without breaking a rule of the domain: the
# field, and how to draw a new value for it.
_day_after_assignment = st.dates(date(2017, 3, 1), date(2017, 12, 31))
EDITABLE = {
    "units": {"kind": st.sampled_from([k.value for k in UnitKind])},
    "deputies": {"phone": texts().map(lambda t: t[:32])},
    "liaisons": {"phone": texts().map(lambda t: t[:32]), "name": st.text("王李赵刘陈", min_size=2,
                                                                           max_size=4)},
    "opinions": {"title": texts(), "content": texts(), "supervisor": st.text("王李赵", min_size=2,
                                                                             max_size=3)},
    "handling": {"accepted_on": _day_after_assignment, "consulted_on": _day_after_assignment,
                 "consult_method": st.sampled_from([m.value for m in ContactMethod])},
    "signoffs": {"approver": st.text("王李赵刘", min_size=2, max_size=3)},
    "contacts": {"method": st.sampled_from([m.value for m in ContactMethod])},
    "progress": {"text": texts()},
    "evaluations": {"praised": st.booleans(), "consent_publish": st.booleans()},
    "co-evaluations": {"rating": st.sampled_from([g.value for g in Grade])},
    "notices": {"reason": texts()},
}


def cell_value(kind: str, field: str, value):
    """Return what a user types into the cell for the value."""
    spec = SCHEMAS[kind].by_name[field]
    if isinstance(value, bool):
        return spec.yes_no[0 if value else 1]
    return value


@st.composite
def sheet_edits(draw, kind: str, rows: int) -> dict[int, dict[str, object]]:
    """Return {row index: {field: new value}} for a few rows of the kind's sheet."""
    fields = EDITABLE[kind]
    chosen = draw(st.lists(st.integers(0, rows - 1), min_size=1, max_size=4, unique=True))
    return {row: {name: draw(fields[name])
                  for name in draw(st.lists(st.sampled_from(sorted(fields)), min_size=1,
                                            unique=True))}
            for row in chosen}


# Database edits that keep every opinion within the domain's rules, so that an unchanged
# row is never refused for a fact it did not bring.
SAFE_EDITS = ("title", "content", "category", "supervisor", "contact", "progress", "notice",
              "alias", "phone", "cosigners")


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(KINDS))
def test_edited_cells_import_as_exactly_those_changes(app, data, kind):
    changes = [c for c in data.draw(edits(max_size=5)) if c[0] in SAFE_EDITS]
    with app.app_context(), acting_as("test", "cli"), tempfile.TemporaryDirectory() as folder:
        session = session_2017()
        try:
            database = Database(db.session, session)
            for change in changes:
                database.apply(change)
            db.session.flush()
            path = Path(folder) / f"{kind}.xlsx"
            rows = export_kind(db.session, kind, path, session=session)
            wanted = data.draw(sheet_edits(kind, rows)) if rows else {}
            edited = _edit(path, kind, wanted)
            result = dry_run(path, kind, session)
            changed = {row.record.excel_row - FIRST_ROW: {c.field for c in row.changes}
                       for row in result.plan.rows if row.changes}
            assert changed == edited
            assert result.counts["unchanged"] == rows - len(edited)
        finally:
            db.session.rollback()


def _edit(path: Path, kind: str, wanted: dict[int, dict[str, object]]) -> dict[int, set[str]]:
    """Type the new values into the sheet; return {row: fields whose value changed}."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    columns = {f.name: i + 1 for i, f in enumerate(SCHEMAS[kind].fields)}
    edited: dict[int, set[str]] = {}
    for row, values in wanted.items():
        for field, value in values.items():
            cell = sheet.cell(FIRST_ROW + row, columns[field])
            typed = cell_value(kind, field, value)
            before = cell.value.date() if hasattr(cell.value, "date") else cell.value
            if before == typed or (before in (None, "") and not typed):
                continue
            cell.value = typed
            if isinstance(typed, str):
                cell.data_type = "s"  # typed into a text cell: text, even if it starts with =
            edited.setdefault(row, set()).add(field)
    book.save(path)
    return edited
