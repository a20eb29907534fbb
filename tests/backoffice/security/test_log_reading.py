"""What the auditor reads: times entered in a search are Beijing time as the times
shown are, and the security log and the data audit trail show no phone number whole."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_admin.contrib.sqla.filters import (
    DateTimeBetweenFilter,
    DateTimeNotBetweenFilter,
    DateTimeSmallerFilter,
)

from backoffice.extensions import db
from backoffice.models import AuditEntry, SecurityEvent
from tests.conftest import sign_in

# 10:00 in Beijing.
MOMENT = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
MARK = "时区检查"


def _add_entries() -> None:
    db.session.execute(sa.insert(SecurityEvent), [{
        "at": MOMENT, "event": "登录", "outcome": "成功", "username": "auditor", "role": "",
        "client_address": "", "object": MARK, "detail": ""}])
    db.session.execute(sa.insert(AuditEntry), [{
        "at": MOMENT, "actor": "operator", "source": "web", "action": "修改",
        "table_name": "deputies", "record_id": "1", "record_label": MARK, "changes": {}}])
    db.session.commit()


def _filter_arg(app, endpoint: str, kind: type) -> str:
    view = next(view for admin in app.extensions["admin"] for view in admin._views
                if view.endpoint == endpoint)
    index, found = next((i, f) for i, f in enumerate(view._filters)
                        if isinstance(f, kind) and not isinstance(f, DateTimeNotBetweenFilter)
                        and f.column.key == "at")
    return f"flt0_{view.get_filter_arg(index, found)}"


@pytest.mark.parametrize("endpoint", ["security_log", "audit"])
def test_the_auditor_searches_by_beijing_time(app, endpoint) -> None:
    with app.app_context():
        _add_entries()
    auditor = app.test_client()
    sign_in(auditor, "auditor")

    def found(kind: type, value: str) -> bool:
        arg = _filter_arg(app, endpoint, kind)
        page = auditor.get(f"/admin/{endpoint}/", query_string={arg: value})
        assert page.status_code == 200
        return MARK in page.get_data(as_text=True)

    # The entry reads 2024-03-01 10:00:00 on the screen; a search around it finds it.
    assert found(DateTimeBetweenFilter, "2024-03-01 09:59:00 to 2024-03-01 10:01:00")
    assert not found(DateTimeBetweenFilter, "2024-03-01 01:59:00 to 2024-03-01 02:01:00")
    assert found(DateTimeSmallerFilter, "2024-03-01 10:01:00")
    assert not found(DateTimeSmallerFilter, "2024-03-01 09:59:00")
