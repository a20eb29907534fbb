"""The guard every admin view and page puts before its entry points, and custom pages.

Model views (`SecuredModelView`) and custom pages (`SecuredPage`) share `PolicyGuard`;
row scoping (a unit's own data) is left to the view, through access.py.
"""

from collections.abc import Callable
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import flash, g, request
from flask_admin import BaseView
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from backoffice import access
from backoffice.access import Action
from backoffice.extensions import db
from backoffice.security import log, sessions

_ACTION_WORDS = {
    Action.VIEW: "查看", Action.CREATE: "新增", Action.EDIT: "修改", Action.DELETE: "删除",
    Action.EXPORT: "导出",
}

_READING_METHODS = frozenset({"GET", "HEAD"})


class PolicyGuard:
    """Ask access.py before every entry point of a view (mix in before the Flask-Admin view).

    Signed-out visitors go to sign-in; a role without the action gets 403. The action of
    the request is kept in `g.admin_action` for row scoping further down.
    """

    access_group: str
    # What each exposed method needs, by method name: an action on access_group, or a
    # (group, action) pair. A method not listed needs VIEW on access_group when it only
    # reads (GET, HEAD); anything else it is asked is refused.
    page_actions: dict[str, Action | tuple[str, Action]] = {}

    def allowed(self, action: Action, group: str | None = None) -> bool:
        """Tell whether the signed-in user may take action on group (default: the view's)."""
        return access.allowed(current_user, group or self.access_group, action)

    def is_accessible(self) -> bool:
        return self.allowed(Action.VIEW)

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        if not current_user.is_authenticated:
            return sessions.to_sign_in()
        self.refuse(403, f"页面 {self.name}")

    def refuse(self, status: int, object: str) -> NoReturn:
        """Log the refusal and answer status (404 hides that the object exists)."""
        log.refuse(db.session, status, object)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        needed = self.page_actions.get(name)
        if needed is None:
            if request.method not in _READING_METHODS:
                self.refuse(403, f"页面 {self.name}（未声明的操作）")
            needed = Action.VIEW
        group, action = needed if isinstance(needed, tuple) else (self.access_group, needed)
        g.admin_action = action
        if not self.allowed(action, group):
            self.refuse(403, f"页面 {self.name}（{_ACTION_WORDS[action]}）")
        return None


class SecuredPage(PolicyGuard, BaseView):
    """A custom page whose menu entry and entry points follow the role policy."""


# Another decision on the same record committed between this one's check and its write
# (its version moved on, or it made the record this one was about to make).
RACED = "未处理：他人刚刚处理了同一事项，您的操作未执行。请刷新页面，核对最新状态后再决定。"


def decided(decide: Callable[[], object], done: str, refusal: type[Exception]) -> None:
    """Carry out an office decision: commit and say it is done, or, refused or beaten by a
    colleague's decision, roll back and say why (in Chinese)."""
    try:
        decide()
        db.session.commit()
    except refusal as problem:
        db.session.rollback()
        flash(f"未处理：{problem}", "error")
    except (StaleDataError, sa.exc.IntegrityError):
        db.session.rollback()
        flash(RACED, "error")
    else:
        flash(done, "success")
