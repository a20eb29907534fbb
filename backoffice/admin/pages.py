"""Custom admin pages (Flask-Admin `BaseView`) that ask access.py before every entry point.

Like `SecuredModelView`: signed-out visitors go to sign-in, a role without the action gets
403, and row scoping (a unit's own data) is left to the page, through access.py.
"""

from typing import Any

from flask import abort, redirect, request, url_for
from flask_admin import BaseView
from flask_login import current_user
from werkzeug.wrappers import Response

from backoffice import access
from backoffice.access import Action


class SecuredPage(BaseView):
    """A page whose menu entry and entry points follow the role policy of access.py."""

    access_group: str
    # What each exposed method needs, by method name: an action on access_group, or a
    # (group, action) pair; a method not listed needs VIEW on access_group.
    page_actions: dict[str, Action | tuple[str, Action]] = {}

    def allowed(self, action: Action, group: str | None = None) -> bool:
        """Tell whether the signed-in user may take action on group (default: the page's)."""
        return access.allowed(current_user, group or self.access_group, action)

    def is_accessible(self) -> bool:
        return self.allowed(Action.VIEW)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        needed = self.page_actions.get(name, Action.VIEW)
        group, action = needed if isinstance(needed, tuple) else (self.access_group, needed)
        if not self.allowed(action, group):
            abort(403)
        return None
