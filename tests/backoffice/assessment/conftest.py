"""A published 2017 result for the tests that need one."""

from datetime import date

import pytest

from backoffice.assessment.publishing import publish
from backoffice.audit import acting_as
from backoffice.extensions import db

SAMPLE_2017 = date(2017, 12, 15)


@pytest.fixture
def published_2017(app) -> int:
    """Publish the 2017 result as of the sample's day; return the version's id."""
    with app.app_context(), acting_as("admin", "web"):
        version = publish(db.session, 2017, SAMPLE_2017, "admin")
        db.session.commit()
        return version.id
