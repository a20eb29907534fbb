"""Domain checks on an opinion's facts, shared by the forms and the importers.

Each check returns Chinese messages keyed by the field they concern, so a form
shows them next to the field and an import names the cell.
"""

import sqlalchemy as sa
from sqlalchemy import orm

from backoffice.labels import FIELD_LABELS
from backoffice.models import Opinion
from importers.clock import local_today
from importers.vocabulary import AnswerType

_DATES_AFTER_ASSIGNMENT = (
    "accepted_on",
    "consulted_on",
    "signed_off_on",
    "replied_on",
    "second_replied_on",
    "concluded_on",
)


# A D reply without sign-off is a fact the assessment counts (−2), so importers record it
# with this message as a warning rather than refuse it.
MISSING_SIGNOFF = "留作参考（D类）答复须先经分管副区长阅批，请填写阅批人和阅批日期。"
# Problems whose remedy is the office's alone (the sign-off is not on a unit's form): a
# unit's save never waits for them; the office's dashboard lists them (D类答复待阅批).
OFFICE_REMEDIES = frozenset({MISSING_SIGNOFF})


def unit_refusals(after: dict[str, str], before: dict[str, str]) -> dict[str, str]:
    """Return the problems a unit's save is refused for: those its change brought (not
    there before it) that a unit can remedy."""
    return {
        field: message for field, message in after.items()
        if before.get(field) != message and message not in OFFICE_REMEDIES
    }


def opinion_problems(opinion: Opinion, db_session: orm.Session) -> dict[str, str]:
    """Return what is wrong with the opinion's facts, by field."""
    problems = opinion_fact_problems(opinion)
    if "number" not in problems and opinion.number and _number_taken(opinion, db_session):
        problems["number"] = f"本届次会议已有编号为{opinion.number}的意见，编号不能重复。"
    return problems


def opinion_fact_problems(opinion: Opinion) -> dict[str, str]:
    """Return what is wrong with the opinion's facts, by field, without asking the database.

    Works on an `Opinion` or on anything with its attributes (an importer's candidate).
    """
    problems: dict[str, str] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, message)

    assigned, today = opinion.assigned_on, local_today()
    for field in _DATES_AFTER_ASSIGNMENT:
        value = getattr(opinion, field)
        if assigned and value and value < assigned:
            add(field, f"{FIELD_LABELS[field]}（{value}）不能早于交办日期（{assigned}）。")
        elif value and value > today:
            # What was done has a date already past: 2071 typed for 2017 is no plan.
            add(field, f"{FIELD_LABELS[field]}（{value}）不能晚于今天（{today}）。")

    if opinion.replied_on and not opinion.answer_type:
        add("answer_type", "已填写答复日期，请选择答复类型。")
    if opinion.answer_type and not opinion.replied_on:
        add("replied_on", "已选择答复类型，请填写答复日期。")
    if opinion.concluded_on:
        if not opinion.replied_on:
            add("concluded_on", "尚未答复的意见不能办结，请先填写答复日期。")
        elif opinion.concluded_on < opinion.replied_on:
            add("concluded_on", f"办结日期不能早于答复日期（{opinion.replied_on}）。")
    if (
        opinion.second_replied_on
        and opinion.replied_on
        and opinion.second_replied_on < opinion.replied_on
    ):
        add("second_replied_on", f"二次答复日期不能早于答复日期（{opinion.replied_on}）。")

    if bool(opinion.signed_off_by) != bool(opinion.signed_off_on):
        field = "signed_off_on" if opinion.signed_off_by else "signed_off_by"
        add(field, "阅批人和阅批日期须同时填写。")
    if opinion.answer_type == AnswerType.REFERENCE and opinion.replied_on:
        if not opinion.signed_off_on:
            add("answer_type", MISSING_SIGNOFF)
        elif opinion.signed_off_on > opinion.replied_on:
            add("signed_off_on", f"阅批须在答复之前，答复日期为{opinion.replied_on}。")

    session = opinion.session
    extension = opinion.reply_extension_months
    if session and extension and extension > session.max_extension_months:
        add("reply_extension_months", f"延期答复最多{session.max_extension_months}个月。")

    lead_unit_id = opinion.lead_unit.id if opinion.lead_unit else opinion.lead_unit_id
    seen: set[int] = set()
    for co_handling in opinion.co_handlings:
        unit = co_handling.unit
        unit_id = unit.id if unit else co_handling.unit_id
        if unit_id is not None and unit_id == lead_unit_id:
            add("co_handlings", f"会办单位不能与主办单位相同：{unit}。")
        elif unit_id in seen:
            add("co_handlings", f"会办单位重复：{unit}。")
        seen.add(unit_id)
    return problems


def _number_taken(opinion: Opinion, db_session: orm.Session) -> bool:
    session_id = opinion.session.id if opinion.session else opinion.session_id
    query = sa.select(Opinion.id).where(
        Opinion.session_id == session_id, Opinion.number == opinion.number
    )
    if opinion.id is not None:
        query = query.where(Opinion.id != opinion.id)
    with db_session.no_autoflush:
        return db_session.execute(query.limit(1)).first() is not None
