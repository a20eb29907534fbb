"""This deployment's limits on imported files, from the app's IMPORT_MAX_* settings."""

from __future__ import annotations

from flask import current_app

from importers.limits import Limits


def import_limits() -> Limits:
    """Return the limits set in the app's config (config.py holds the defaults)."""
    return Limits.from_settings(current_app.config)
