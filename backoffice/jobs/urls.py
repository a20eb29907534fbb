"""Links a job records for its owner, built where there is no request (a worker)."""

from typing import Any

from flask import current_app


def page_path(endpoint: str, **values: Any) -> str:
    """Return the path of an endpoint of the app, with or without a request."""
    adapter = current_app.url_map.bind(
        "localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build(endpoint, values)
