"""A record others refer to cannot be deleted from under them, on SQLite as on
PostgreSQL: deleting a unit that leads opinions is refused with a Chinese message, and
the opinions keep their unit."""

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.models import Opinion, Unit
from tests.conftest import csrf_token


def test_a_unit_that_leads_opinions_cannot_be_deleted(app, as_user) -> None:
    with app.app_context():
        unit_id = db.session.scalar(sa.select(Opinion.lead_unit_id).order_by(Opinion.id))
        led = db.session.scalars(sa.select(Opinion.id).where(Opinion.lead_unit_id == unit_id)
                                 ).all()
    admin = as_user("sysadmin")
    response = admin.post("/admin/unit/delete/", data={
        "id": str(unit_id), "csrf_token": csrf_token(admin, "/admin/unit/")},
        follow_redirects=True)
    assert "删除失败" in response.get_data(as_text=True)
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        assert unit is not None and unit.aliases  # its parts are still there too
        assert db.session.scalars(sa.select(Opinion.id).where(Opinion.lead_unit_id == unit_id)
                                  ).all() == led
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Opinion).join(
            Unit, Opinion.lead_unit_id == Unit.id).where(Opinion.id.in_(led))) == len(led)
