"""A unit's explanation links every sentence to the case files of the opinions behind it."""

import re
from datetime import date

import sqlalchemy as sa

from backoffice.assessment import assess_year
from backoffice.extensions import db
from backoffice.models import CoHandling, CongressSession, Opinion, Unit

LINK = re.compile(r'href="/admin/opinion/details/\?id=(\d+)"')


def _notes_with_links(page: str) -> list[tuple[str, list[int]]]:
    """Return each explanation sentence with the opinion ids it links to."""
    items = re.findall(r'<li class="list-group-item">(.*?)</li>', page, re.S)
    return [
        (re.sub(r"<.*?>", "", item).split("\n")[0].strip(), [int(i) for i in LINK.findall(item)])
        for item in items
    ]


def _opinions_of(unit: str) -> dict[int, str]:
    """Return the 2017 opinions the unit leads or co-handles: id -> number."""
    unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.name == unit))
    co_handled = sa.select(CoHandling.opinion_id).where(CoHandling.unit_id == unit_id)
    query = (
        sa.select(Opinion.id, Opinion.number)
        .join(CongressSession)
        .where(
            CongressSession.year == 2017,
            sa.or_(Opinion.lead_unit_id == unit_id, Opinion.id.in_(co_handled)),
        )
    )
    return dict(db.session.execute(query).all())


def test_each_sentence_links_to_the_opinions_behind_it(as_user, app) -> None:
    client = as_user("operator")
    url = "/admin/assessment/unit/?year=2017&as_of=2017-12-15&unit=区大居办"
    page = client.get(url).get_data(as_text=True)
    with app.app_context():
        own = _opinions_of("区大居办")
        notes = assess_year(db.session, 2017, date(2017, 12, 15)).unit("区大居办").notes
    linked = _notes_with_links(page)
    assert len(linked) == len(notes)
    for (text, ids), note in zip(linked, notes, strict=True):
        assert text == note.text
        # Each link opens the case file of one of the unit's own 2017 opinions, by number.
        assert [own[i] for i in ids] == list(note.opinions), text
    returned = next(ids for text, ids in linked if text == "第0026号意见代表不同意退回，扣2分。")
    assert [own[i] for i in returned] == ["0026"]
    assert sum(len(ids) for _, ids in linked) > 10


def test_a_unit_follows_the_links_of_its_published_explanation(
    as_user, app, published_2017
) -> None:
    client = as_user("pujiang")
    url = f"/admin/assessment/published/unit/?id={published_2017}&unit=浦江镇"
    page = client.get(url).get_data(as_text=True)
    assert "浦江镇 2017年度考核说明" in page and "已发布的第1版" in page
    ids = {int(i) for i in LINK.findall(page)}
    with app.app_context():
        own = _opinions_of("浦江镇")
    assert ids and ids <= set(own)
    for opinion_id in sorted(ids):
        case_file = client.get(f"/admin/opinion/details/?id={opinion_id}")
        assert case_file.status_code == 200
        assert f"第{own[opinion_id]}号" in case_file.get_data(as_text=True)
