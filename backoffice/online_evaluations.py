"""A deputy's satisfaction evaluation (测评) filled online: written as one row of the paper
代表满意度测评表 and imported like it, so that it passes the same reading, checks and
writes, lands in the same Evaluation and CoHandling.deputy_grade records, is audited with
the deputy as actor and can be undone from the import history like any import."""

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import orm

from backoffice import deadlines
from backoffice.imports.service import apply_prepared, prepare_import
from backoffice.models import Opinion, User
from backoffice.writing.exclusive import keep_writers_out
from importers.clock import local_today
from importers.exporting import write_kind

SOURCE = "online"  # an ImportRun's source: SOURCE_LABELS calls it 代表在线测评


class EvaluationRefused(ValueError):
    """The evaluation was not recorded; `messages` say why, in Chinese."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Answers:
    """What the deputy filled in: agreement, grades, praise and consent."""

    agrees: bool
    grade: str | None  # the lead unit's grade (总体评价); required when agreeing
    co_grades: dict[str, str]  # co-handler's name -> grade
    praised: bool
    consents_to_publish: bool


def why_not(opinion: Opinion, user: User, today: date) -> str | None:
    """Return why the user may not evaluate the opinion now, or None when they may.

    The lead deputy evaluates a reply once; after a 不同意 they evaluate again once the
    second reply is made, on a later day (an evaluation is stored by its day).
    """
    if user.deputy_id != opinion.lead_deputy_id:
        return "满意度测评由领衔代表填写。"
    if opinion.replied_on is None or opinion.replied_on > today:
        return "承办单位尚未答复，答复后才能测评。"
    if not opinion.evaluations:
        return None
    last = opinion.evaluations[-1]
    if last.agrees:
        return "您已对答复表示同意，测评已完成。"
    if deadlines.second_reply_done(opinion.second_replied_on, last.evaluated_on, today) is None:
        return "您已表示不同意，请等待承办单位二次答复后再测评。"
    if last.evaluated_on >= today:
        # An evaluation is recorded by its day: a second one today would overwrite the first.
        return "您今天已提交过测评，对二次答复的测评请于明天提交。"
    return None


def record(db_session: orm.Session, opinion: Opinion, user: User, answers: Answers) -> int:
    """Record the deputy's evaluation as a 测评表 row imported by them; return the run's id."""
    today = local_today()
    # From the check to the commit nothing else writes: a paper 测评表 imported meanwhile
    # (or this form sent twice) would otherwise stand beside this one, unchecked by it.
    keep_writers_out(db_session)
    db_session.expire(opinion, ["evaluations"])
    refusal = why_not(opinion, user, today)
    if refusal:
        raise EvaluationRefused([refusal])
    row = {
        "number": opinion.number, "lead_deputy": opinion.lead_deputy.name,
        "lead_unit": opinion.lead_unit.name, "agree": answers.agrees,
        "grade": answers.grade if answers.agrees else None, "praised": answers.praised,
        "co_grades": list(answers.co_grades.items()) if answers.agrees else [],
        "evaluated_on": today, "consent_publish": answers.consents_to_publish,
    }
    name = f"代表在线测评_第{opinion.number}号_{today.isoformat()}.xlsx"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        write_kind(path, "evaluations", [row])
        prepared = prepare_import(db_session, [path], "evaluations",
                                  session=opinion.session.name, names={str(path): name},
                                  remembered=False)
        if prepared.plan.errors:
            raise EvaluationRefused([p.message for p in prepared.plan.errors])
        result = apply_prepared(db_session, prepared, actor=user.username, source=SOURCE)
    if result.status == "unchanged":  # the same answers sent twice
        raise EvaluationRefused(["今天已提交过相同的测评，无需重复提交。"])
    if not result.applied:
        raise EvaluationRefused([p.message for p in result.errors] or ["测评未保存，请重试。"])
    assert result.run_id is not None
    return result.run_id
