"""A unit liaison asking for another unit's worklist or published explanation is refused,
and the refusal is in the security log, as for every scoped object."""

from datetime import date

import sqlalchemy as sa

from backoffice.assessment.publishing import publish
from backoffice.audit import acting_as
from backoffice.extensions import db
from backoffice.models import Unit
from tests.backoffice.security.events import events
from tests.conftest import sign_in


def _refusals(username: str) -> list[str]:
    return [entry.object for entry in events("拒绝访问", username)]


def test_another_units_worklist_is_refused_and_logged(app) -> None:
    with app.app_context():
        qibao = db.session.scalar(sa.select(Unit.id).where(Unit.name == "七宝镇"))
    liaison = app.test_client()
    sign_in(liaison, "pujiang")
    assert liaison.get(f"/admin/exports/unit/{qibao}/").status_code == 403
    with app.app_context():
        assert _refusals("pujiang") == ["工作清单 七宝镇"]


def test_another_units_published_explanation_is_refused_and_logged(app) -> None:
    with app.app_context(), acting_as("operator", "web"):
        version = publish(db.session, 2017, date(2017, 12, 15), "operator").id
        db.session.commit()
    liaison = app.test_client()
    sign_in(liaison, "pujiang")
    url = f"/admin/assessment/published/unit/?id={version}&unit=七宝镇"
    assert liaison.get(url).status_code == 404
    with app.app_context():
        assert _refusals("pujiang") == ["考核说明 七宝镇"]
