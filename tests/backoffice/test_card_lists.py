"""Every list's card head names columns of its list, and no more than phone.css places."""

import re
from pathlib import Path

import pytest
from flask import Flask

from backoffice.admin.base import SecuredModelView

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PHONE_CSS = Path(__file__).resolve().parents[2] / "backoffice" / "static" / "phone.css"


def test_each_lists_card_head_is_of_its_columns_and_placed_by_the_phone_styles(
    app: Flask,
) -> None:
    styled = re.findall(r"td\.card-head-(\d+)\s*\{[^}]*order:", PHONE_CSS.read_text())
    places = {int(place) for place in styled}
    views = [v for v in app.extensions["admin"][0]._views if isinstance(v, SecuredModelView)]
    assert len(views) > 10
    with app.test_request_context():
        for view in views:
            head = view.card_head()
            columns = {name for name, _ in view._list_columns}
            assert head and set(head) <= columns, view.endpoint
            assert set(head.values()) <= places, view.endpoint
