"""The public disclosure site: replies the deputies consented to and the office approved."""

from flask import Flask


def init_app(app: Flask) -> None:
    from backoffice.public import site

    app.register_blueprint(site.bp)
