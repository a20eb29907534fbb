"""Everything an assessor asks about, in one room: signing in and out, server-side
sessions, lockout, passwords, the second factor, the security log and what sets it off.

What each control is and which test proves it: docs/security.md.
"""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from backoffice.extensions import login_manager


def init_app(app: Flask) -> None:
    """Register the sign-in pages and the session checks (the account listeners are
    rules of every app: `register_rules`)."""
    from backoffice.security import account, sessions, sign_in

    proxies = int(app.config.get("PROXY_COUNT", 0))
    if proxies:
        # Behind a proxy the client's address is the proxy's own unless its headers are
        # trusted; trust exactly as many as there are proxies, never more. Not its
        # X-Forwarded-Host: the proxy passes the Host it checked (deploy/nginx.conf), and a
        # client's own X-Forwarded-Host would name the site in the public feeds proxies keep.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    login_manager.login_view = "auth.login"
    sessions.init_app(app)
    sign_in.init_app(app)
    account.init_app(app)
