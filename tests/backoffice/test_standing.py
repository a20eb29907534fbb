"""Each opinion's standing at a glance: its stage in words, next due step, what is overdue."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from backoffice.deadlines import Deadline, Status, Step
from backoffice.extensions import db
from backoffice.models import CoHandling, CongressSession, Opinion
from backoffice.standing import in_words, own_deadlines, standing
from importers.clock import local_today
from tests.backoffice.site_walk import model_views

TODAY = date(2017, 5, 25)


@dataclass
class _Opinion:
    id: int = 1
    assigned_on: date = date(2017, 2, 1)
    replied_on: date | None = None
    concluded_on: date | None = None


def _due(step: Step, days: int, status: Status, co_handler: int | None = None) -> Deadline:
    due = TODAY + timedelta(days=days)
    done = due if status in (Status.MET, Status.MET_LATE) else None
    return Deadline(step, due, done, status, co_handler)


def test_the_stage_the_next_due_step_and_what_is_overdue_in_words() -> None:
    found = [
        _due(Step.ACCEPTANCE, -80, Status.MET),
        _due(Step.CONSULTATION, -12, Status.OVERDUE),
        _due(Step.CO_OPINION, -3, Status.OVERDUE, co_handler=7),
        _due(Step.REPLY, 30, Status.NOT_DUE),
    ]
    seen = standing(_Opinion(), found, TODAY, {7: "区交通委"})
    assert seen.stage == "已签收，待面商"
    assert seen.next_due == "面商 2017-05-13"  # the earliest undone, overdue or not
    assert seen.overdue == "面商（超期12天）、区交通委会办意见（超期3天）"

    replied = [*found[:1], _due(Step.CONSULTATION, -12, Status.MET_LATE),
               _due(Step.REPLY, -1, Status.MET), _due(Step.PROGRESS, 20, Status.NOT_DUE)]
    seen = standing(_Opinion(replied_on=TODAY), replied, TODAY, {})
    assert (seen.stage, seen.next_due, seen.overdue) == (
        "已答复，落实中", "进展反馈 2017-06-14", "")
    returned = [*replied[:3], _due(Step.SECOND_REPLY, 5, Status.DUE_SOON)]
    assert standing(_Opinion(), returned, TODAY, {}).stage == "不同意退回，待二次答复"
    assert standing(_Opinion(concluded_on=TODAY), replied, TODAY, {}).stage == "已办结"
    # A 不同意 after the conclusion reopens it until the second reply.
    concluded = _Opinion(replied_on=TODAY - timedelta(60), concluded_on=TODAY - timedelta(30))
    assert standing(concluded, returned, TODAY, {}).stage == "不同意退回，待二次答复"
    answered_again = [*replied[:3], _due(Step.SECOND_REPLY, -2, Status.MET)]
    assert standing(concluded, answered_again, TODAY, {}).stage == "已办结"
    assert standing(_Opinion(assigned_on=TODAY + timedelta(1)), [], TODAY, {}).stage == "未交办"
    assert standing(_Opinion(), [], TODAY, {}).stage == "待签收"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # deadlines: both elsewhere
def test_the_list_and_its_export_show_each_opinions_standing(as_user, app) -> None:
    with app.app_context():
        opinion = db.session.scalars(sa.select(Opinion).join(Opinion.session).where(
            CongressSession.year == 2017, Opinion.number == "0202")).one()
        reply_due, opinion_id = opinion.reply_due_on, opinion.id
    client = as_user("operator")
    page = unescape(client.get("/admin/opinion/?search=0202").get_data(as_text=True))
    row = page[page.index(f'value="{opinion_id}"'):]
    row = row[: row.index("</tr>")]
    late = (local_today() - reply_due).days
    assert re.search(r"col-stage\">\s*(已面商，待答复|已签收，待面商|待签收)\s*<", row), row[:1500]
    assert f"答复 {reply_due.isoformat()}" in row  # 0202 was never answered
    assert f"答复（超期{late}天）" in row
    assert "最早的未完成环节及其期限。" in page  # the column's explanation

    exported = client.get("/admin/opinion/export/csv/?search=0202").get_data().decode("utf-8-sig")
    header, line = exported.splitlines()[:2]
    assert header.split(",")[-3:] == ["办理状态", "下一期限", "当前超期未办"]
    assert f"答复（超期{late}天）" in line

    # Read as of a day (the dashboard's links), the list counts lateness to that day.
    with app.test_request_context():
        as_of = model_views(app)["opinion"].filtered_list_url(当前超期未办="2017-12-31")
    page = unescape(client.get(f"{as_of}&search=0202").get_data(as_text=True))
    assert f"答复（超期{(date(2017, 12, 31) - reply_due).days}天）" in page
    assert f"答复（超期{late}天）" not in page


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # deadlines: both elsewhere
def test_the_co_handlings_list_shows_each_ones_own_deadline(as_user, app) -> None:
    with app.app_context():
        late = db.session.scalars(sa.select(CoHandling).join(CoHandling.opinion).where(
            CoHandling.submitted_on > Opinion.co_opinion_due_on)).first()
        deadline = own_deadlines(db.session, [late], local_today())[late.id]
        number, row_id = late.opinion.number, late.id
    assert deadline.status is Status.MET_LATE and in_words(deadline, local_today()) == "超期完成"
    page = unescape(as_user("operator").get(f"/admin/co_handling/?search={number}")
                    .get_data(as_text=True))
    row = page[page.index(f'value="{row_id}"'):]
    row = row[: row.index("</tr>")]
    assert deadline.due_on.isoformat() in row and "超期完成" in row
    overdue = Deadline(Step.CO_OPINION, TODAY - timedelta(days=3), None, Status.OVERDUE, 7)
    assert in_words(overdue, TODAY) == "已超期3天"
