"""Every form and list of every screen names its fields in Chinese, for every duty that
opens it: no field name of the code (New Password) on a user's screen."""

import re

import pytest
import sqlalchemy as sa

from backoffice.admin.base import SecuredModelView
from backoffice.extensions import db
from tests.conftest import sign_in

# Labels come from the views and the templates, not the database.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

DUTIES = ("operator", "sysadmin", "auditor", "leader", "pujiang")
_MARKUP = re.compile(r"<[^>]+>|&nbsp;|&#42;|\s+")


def _labels(page: str) -> list[str]:
    found = re.findall(r"<label[^>]*>(.*?)</label>|<th[^>]*>(.*?)</th>", page, re.S)
    return [_MARKUP.sub(" ", label or head).strip() for label, head in found]


def test_every_screen_names_its_fields_in_chinese(app) -> None:
    views = [view for admin in app.extensions["admin"] for view in admin._views
             if isinstance(view, SecuredModelView)]
    with app.app_context():
        first = {view.endpoint: db.session.scalar(sa.select(sa.inspect(view.model)
                                                            .primary_key[0]).limit(1))
                 for view in views}
    english = {}
    opened = 0
    for username in DUTIES:
        client = app.test_client()
        sign_in(client, username)
        for view in views:
            for path in ("", "new/", f"edit/?id={first[view.endpoint]}"):
                response = client.get(f"/admin/{view.endpoint}/{path}")
                if response.status_code != 200:
                    continue
                opened += 1
                words = [label for label in _labels(response.get_data(as_text=True))
                         if re.search(r"[A-Za-z]{3,}", label)]
                if words:
                    english[f"{username} {view.endpoint}/{path}"] = words
    assert opened > 40
    assert english == {}
