"""The guard every admin view and page puts before its entry points, and custom pages.

Model views (`SecuredModelView`) and custom pages (`SecuredPage`) share `PolicyGuard`;
row scoping (a unit's own data) is left to the view, through access.py.
"""

from typing import Any

from flask import abort, g, redirect, request, url_for
from flask_admin import BaseView
from flask_login import current_user
from werkzeug.wrappers import Response

from backoffice import access
from backoffice.access import Action


class PolicyGuard:
    """Ask access.py before every entry point of a view (mix in before the Flask-Admin view).

    Signed-out visitors go to sign-in; a role without the action gets 403. The action of
    the request is kept in `g.admin_action` for row scoping further down.
    """

    access_group: str
    # What each exposed method needs, by method name: an action on access_group, or a
    # (group, action) pair; a method not listed needs VIEW on access_group.
    page_actions: dict[str, Action | tuple[str, Action]] = {}

    def allowed(self, action: Action, group: str | None = None) -> bool:
        """Tell whether the signed-in user may take action on group (default: the view's)."""
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
        g.admin_action = action
        if not self.allowed(action, group):
            abort(403)
        return None


class SecuredPage(PolicyGuard, BaseView):
    """A custom page whose menu entry and entry points follow the role policy."""
