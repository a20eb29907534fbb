"""Every kind exported from the database reads back as exactly what the database holds."""

import tempfile
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from backoffice.audit import acting_as
from backoffice.exports import export_kind
from backoffice.extensions import db
from backoffice.models import CongressSession
from importers.reading import read_folder
from importers.schemas import KINDS
from tests.backoffice.database_edits import Database, edits
from tests.backoffice.export_truth import contents, database_truth
from tests.importers.truth_shape import truth_shape


def exported_and_read(session: CongressSession, folder: Path):
    """Export every kind of the session into folder and read the folder back."""
    for kind in KINDS:
        export_kind(db.session, kind, folder / f"{kind}.xlsx", session=session)
    return read_folder(folder, session=session.name, year=session.year)


def assert_reads_as_the_database(session: CongressSession, folder: Path) -> None:
    result = exported_and_read(session, folder)
    assert [str(p) for p in result.errors] == []
    warnings = [p for p in result.problems if not p.is_error]
    assert [str(p) for p in warnings] == []
    got = truth_shape(result, session.name, session.year)
    want = database_truth(db.session, session)
    for key in ("units", "deputies", "liaisons", "notices"):
        got[key] = sorted(got[key], key=repr)
    got_opinions = {o["number"]: o for o in got.pop("opinions")}
    want_opinions = {o["number"]: o for o in want.pop("opinions")}
    assert sorted(got_opinions) == sorted(want_opinions)
    for number, opinion in want_opinions.items():
        assert got_opinions[number] == opinion, number
    assert got == want
    read_contents = {r["number"]: r["content"] for r in result.records("opinions")}
    assert read_contents == contents(db.session, session)


def test_every_kind_of_every_session_reads_back_as_the_database(app, tmp_path):
    with app.app_context():
        for session in db.session.scalars(sa.select(CongressSession)):
            folder = tmp_path / str(session.year)
            folder.mkdir()
            assert_reads_as_the_database(session, folder)


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=edits())
def test_random_database_states_read_back_as_the_database(app, changes):
    with app.app_context(), acting_as("test", "cli"):
        session = db.session.scalar(sa.select(CongressSession).where(CongressSession.year == 2017))
        database = Database(db.session, session)
        try:
            for change in changes:
                database.apply(change)
            db.session.flush()
            with tempfile.TemporaryDirectory() as folder:
                assert_reads_as_the_database(session, Path(folder))
        finally:
            db.session.rollback()
