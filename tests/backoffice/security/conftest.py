import pytest


@pytest.fixture
def required(app):
    """The app with second factors required of administrators, as in production."""
    app.config["REQUIRE_2FA_FOR_ADMINS"] = True
    return app
