"""An empty migrated database on each backend, for imports that start from nothing."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from backoffice.extensions import db
from tests.conftest import BACKENDS, _app, database_copy


@pytest.fixture(params=BACKENDS)
def empty_app(request: pytest.FixtureRequest, templates, tmp_path: Path) -> Iterator[Flask]:
    """Return an app on a fresh copy of the migrated, empty database."""
    backend = request.param
    with database_copy(templates(backend, "empty"), backend, tmp_path) as url:
        app = _app(url, tmp_path)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
