"""A part moved to another whole (a co-handling to another opinion, a liaison to another
unit) raises the version of the whole it left too: a form of that whole opened before the
move cannot bring the part back as a copy."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import CoHandling, LiaisonTerm, Opinion, Unit
from tests.backoffice.html_forms import form_data
from tests.conftest import sign_in

REFUSED = "已被他人修改"


@dataclass(frozen=True)
class Move:
    part: type
    whole_key: str  # the part's foreign key to its whole
    part_form: str  # the part's own form, where it is moved
    whole_form: str  # the whole's form, which lists the part inline
    whole_editor: str
    destination: Callable[[object], int]


def _another_opinion(co: CoHandling) -> int:
    taken = sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == co.unit_id)
    return db.session.scalar(sa.select(Opinion.id).where(
        Opinion.session_id == co.opinion.session_id, Opinion.id.not_in(taken))
        .order_by(Opinion.id))


def _another_unit(term: LiaisonTerm) -> int:
    return db.session.scalar(sa.select(Unit.id).where(Unit.id != term.unit_id).order_by(Unit.id))


MOVES = {
    "co-handling to another opinion": Move(CoHandling, "opinion_id", "co_handling", "opinion",
                                           "operator", _another_opinion),
    "liaison to another unit": Move(LiaisonTerm, "unit_id", "liaison", "unit", "sysadmin",
                                    _another_unit),
}


def _parts_of(move: Move, whole_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(move.part).where(
        getattr(move.part, move.whole_key) == whole_id))


@pytest.mark.parametrize("name", MOVES)
def test_a_form_opened_before_a_part_moved_away_cannot_bring_it_back(app, name) -> None:
    move = MOVES[name]
    with app.app_context():
        part = db.session.scalar(sa.select(move.part).order_by(move.part.id))
        part_id, left = part.id, getattr(part, move.whole_key)
        destination = move.destination(part)
        before = _parts_of(move, left)
    whole_editor, mover = app.test_client(), app.test_client()
    sign_in(whole_editor, move.whole_editor)
    sign_in(mover, "operator")
    whole_url = f"/admin/{move.whole_form}/edit/?id={left}"
    stale = form_data(whole_editor.get(whole_url).get_data(as_text=True))

    part_url = f"/admin/{move.part_form}/edit/?id={part_id}"
    moved = {**form_data(mover.get(part_url).get_data(as_text=True)),
             move.whole_key.removesuffix("_id"): str(destination)}
    assert mover.post(part_url, data=moved).status_code == 302
    with app.app_context():
        assert _parts_of(move, left) == before - 1

    refused = whole_editor.post(whole_url, data=stale)
    assert REFUSED in refused.get_data(as_text=True)
    with app.app_context():
        assert _parts_of(move, left) == before - 1
        assert getattr(db.session.get(move.part, part_id), move.whole_key) == destination
