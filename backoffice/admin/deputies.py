"""A deputy's own pages (我的意见): the opinions they lead or co-signed, each opinion's
handling in plain words, the reply letters, and their answers (面商, 满意度测评)."""

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, request
from flask_admin import expose
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from backoffice import access, attachments, online_evaluations
from backoffice.access import Action
from backoffice.admin.pages import SecuredPage
from backoffice.extensions import db
from backoffice.formatting import prose_date
from backoffice.inputs import day_from_text, row_id
from backoffice.models import (
    Attachment,
    CoHandling,
    ConsultationAnswer,
    ConsultationReply,
    Evaluation,
    Opinion,
)
from backoffice.models.base import utcnow
from backoffice.reporting import case_file
from backoffice.standing import standings
from importers.clock import local_today, wall_clock
from importers.vocabulary import Grade

NOTE_LIMIT = ConsultationReply.__table__.c.note.type.length
# Answers about one opinion's 面商 a deputy may send in a day: enough to change one's mind,
# not a flood on the unit's case file.
ANSWERS_A_DAY = 5


def _grade(text: str | None, field: str) -> str | None:
    """Return a grade chosen on the form; refuse one not in the vocabulary."""
    text = (text or "").strip()
    if not text:
        return None
    if text not in {grade.value for grade in Grade}:
        raise online_evaluations.EvaluationRefused([f"{field}“{text[:20]}”不是可选的评价。"])
    return text


def why_not_answer(opinion: Opinion) -> str | None:
    """Return why the signed-in deputy may not answer about the opinion's 面商, or None."""
    if current_user.deputy_id != opinion.lead_deputy_id:
        # The unit consults the lead deputy: a co-signer's word would move their meeting.
        return "面商由领衔代表确认或申请改期。"
    if opinion.replied_on is not None:
        return "此意见已答复，不再安排面商。"
    if opinion.consulted_on is not None:
        return f"面商已于{prose_date(opinion.consulted_on)}进行，无需再确认或改期。"
    return None


def _repeated(opinion: Opinion, answered: tuple) -> list[str]:
    """Return why an answer about the 面商 repeats: the same as the deputy's last one, or
    past the day's number."""
    mine = sa.select(ConsultationReply).where(
        ConsultationReply.opinion_id == opinion.id,
        ConsultationReply.deputy_id == current_user.deputy_id)
    last = db.session.scalars(mine.order_by(ConsultationReply.id.desc()).limit(1)).first()
    if last is not None and (last.answer, last.wished_on, last.note) == answered:
        return ["与上次提交的答复相同，无需重复提交。"]
    today = [reply for reply in db.session.scalars(mine.where(
        ConsultationReply.answered_at >= utcnow() - timedelta(days=1)))
        if wall_clock(reply.answered_at).date() == local_today()]
    if len(today) >= ANSWERS_A_DAY:
        return [f"今天已就此意见提交{ANSWERS_A_DAY}次答复，请明天再提交，或直接与承办单位联系。"]
    return []


class DeputyPagesView(SecuredPage):
    access_group = "deputy_pages"
    page_actions = {"evaluate": Action.EDIT, "answer_consultation": Action.EDIT}
    grades = tuple(grade.value for grade in Grade)

    def _own(self) -> sa.ColumnElement[bool]:
        return access.visible(Opinion, current_user)

    def _opinion(self, value: Any) -> Opinion:
        """Return one of the deputy's opinions; another's is 404, as if it did not exist."""
        opinion_id = row_id(value)
        opinion = db.session.scalar(
            sa.select(Opinion).where(Opinion.id == opinion_id, self._own()).options(
                joinedload(Opinion.session), joinedload(Opinion.lead_unit),
                joinedload(Opinion.lead_deputy),
                selectinload(Opinion.co_handlings).joinedload(CoHandling.unit)))
        if opinion is None:
            if db.session.get(Opinion, opinion_id) is not None:
                self.refuse(404, f"书面意见 #{opinion_id}")
            self.refuse(404, f"书面意见 #{opinion_id}（不存在）")
        return opinion

    def _shown(self, model: type, opinion: Opinion, *order: Any) -> list[Any]:
        return list(db.session.scalars(
            sa.select(model).where(model.opinion_id == opinion.id,
                                   access.visible(model, current_user)).order_by(*order)))

    @expose("/")
    def index(self) -> str:
        opinions = db.session.scalars(
            sa.select(Opinion).where(self._own()).options(
                joinedload(Opinion.session),
                selectinload(Opinion.co_handlings).joinedload(CoHandling.unit))
            .order_by(Opinion.session_id.desc(), Opinion.number)).all()
        today = local_today()
        return self.render("deputy/list.html", opinions=opinions, today=today,
                           standing=standings(db.session, opinions, today))

    @expose("/opinion/")
    def opinion(self) -> str:
        opinion = self._opinion(request.args.get("id", ""))
        today = local_today()
        return self.render(
            "deputy/opinion.html", o=opinion, today=today,
            standing=standings(db.session, [opinion], today)[opinion.id],
            deadlines=case_file.deadline_rows(db.session, opinion, today),
            letters=self._shown(Attachment, opinion, Attachment.id),
            evaluations=self._shown(Evaluation, opinion, Evaluation.evaluated_on,
                                    Evaluation.id),
            consultation_replies=self._shown(ConsultationReply, opinion, ConsultationReply.id),
            why_not_answer=why_not_answer(opinion),
            why_not_evaluate=online_evaluations.why_not(opinion, current_user, today),
            answers=ConsultationAnswer)

    @expose("/attachment/")
    def download_attachment(self) -> Response:
        return attachments.download(self)

    def _back(self, opinion: Opinion) -> Response:
        return redirect(self.get_url(".opinion", id=opinion.id))

    @expose("/consultation/", methods=("POST",))
    def answer_consultation(self) -> Response:
        """Confirm the 面商 or ask to move it (a day wished for and why)."""
        opinion = self._opinion(request.form.get("opinion_id", ""))
        answer = request.form.get("answer", "")
        note = request.form.get("note", "").strip()
        wished = request.form.get("wished_on", "").strip()
        refusal = why_not_answer(opinion)
        problems = [refusal] if refusal else []
        if answer not in {a.value for a in ConsultationAnswer}:
            problems.append("请选择确认面商或申请改期。")
        wished_on = None
        if answer == ConsultationAnswer.RESCHEDULE:
            if not note:
                problems.append("申请改期请填写原因或方便的时间。")
            if wished:
                try:
                    wished_on = day_from_text(wished)
                except ValueError as problem:
                    problems.append(f"希望面商日期“{wished[:20]}”{problem}。")
                else:
                    if wished_on < local_today():
                        problems.append("希望面商日期不能早于今天。")
        if len(note) > NOTE_LIMIT:
            problems.append(f"说明最多{NOTE_LIMIT}字，现有{len(note)}字。")
        if not problems:
            problems += _repeated(opinion, (answer, wished_on, note))
        if problems:
            flash("未提交：" + "".join(problems), "error")
            return self._back(opinion)
        db.session.add(ConsultationReply(opinion_id=opinion.id, deputy_id=current_user.deputy_id,
                                         answer=answer, wished_on=wished_on, note=note))
        db.session.commit()
        flash("已确认面商，承办单位和区府办会看到。" if answer == ConsultationAnswer.CONFIRM
              else "改期申请已提交，承办单位会与您另约时间。", "success")
        return self._back(opinion)

    @expose("/evaluate/", methods=("POST",))
    def evaluate(self) -> Response:
        """Record the deputy's satisfaction evaluation, as a 测评表 row would be."""
        opinion = self._opinion(request.form.get("opinion_id", ""))
        form = request.form
        try:
            stance = form.get("agrees", "")
            if stance not in ("同意", "不同意"):
                raise online_evaluations.EvaluationRefused(["请选择对答复同意或不同意。"])
            agrees = stance == "同意"
            if agrees and not form.get("grade"):
                raise online_evaluations.EvaluationRefused(
                    ["同意答复时，请选择对主办单位的总体评价。"])
            co_grades = {}
            for co in opinion.co_handlings:
                grade = _grade(form.get(f"co_grade_{co.id}"), f"对{co.unit.name}的评价")
                if grade:
                    co_grades[co.unit.name] = grade
            answers = online_evaluations.Answers(
                agrees=agrees, grade=_grade(form.get("grade"), "对主办单位的评价"),
                co_grades=co_grades, praised=form.get("praised") == "是",
                consents_to_publish=form.get("consents_to_publish") == "是")
            online_evaluations.record(db.session, opinion, current_user, answers)
        except online_evaluations.EvaluationRefused as refused:
            db.session.rollback()
            flash("测评未提交：" + "；".join(refused.messages), "error")
            return self._back(opinion)
        flash("测评已提交，谢谢！" if agrees
              else "已记录您不同意答复，承办单位将重新办理并二次答复。", "success")
        return self._back(opinion)
