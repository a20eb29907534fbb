"""Security headers on every response: a Content-Security-Policy with a per-request
script nonce, no framing, no sniffing, a same-origin referrer, HSTS over HTTPS, and
`Cache-Control: no-store` on everything but static assets.

A small `after_request` rather than Flask-Talisman 1.1: tried on this app, Talisman by
default redirects plain HTTP to HTTPS and turns `SESSION_COOKIE_SECURE` on at request
time (the demo on http://127.0.0.1 could no longer sign in), and it sends HSTS (and
redirects) on a client's own `X-Forwarded-Proto` header whether or not the app trusts a
proxy. With those defaults switched off, what it still gave was one policy string and
three constant headers, and it has nothing for Cache-Control; this module does the
same in less, and hands the one nonce to Flask-Admin and to our own templates.
"""

import secrets
from typing import TypeVar

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

F = TypeVar("F")

# Scripts only by nonce: every <script> of Flask-Admin's templates and ours carries it,
# and nothing on a page may run inline code; Plotly's bundle draws our charts without
# eval. Styles may be inline: Plotly inserts <style> elements of its own (its global
# rules and each chart's mode bar) that carry no nonce, and a nonce in style-src would
# switch 'unsafe-inline' off; our templates use style="" attributes too (select2 and
# the date picker style through the CSSOM, which the policy does not govern). An
# injected style can restyle a page but not run code, and with images, fonts and
# connections held to 'self' it cannot send anything elsewhere.
POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'nonce-{nonce}'"),
    ("style-src", "'self' 'unsafe-inline'"),
    # Bootstrap draws its select arrows and toggler icons as data: SVG.
    ("img-src", "'self' data:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)

CONSTANT_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def csp_nonce() -> str:
    """Return this request's script nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    """Return the policy with the request's nonce."""
    return "; ".join(f"{name} {value}" for name, value in POLICY).format(nonce=nonce)


def cacheable(view: F) -> F:
    """Mark a view whose responses are public assets that browsers may keep."""
    view.cacheable = True  # type: ignore[attr-defined]
    return view


def _is_cacheable() -> bool:
    # Fail closed: only static folders and views marked @cacheable escape no-store,
    # so a new page or download that carries personal data cannot forget it.
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "cacheable", False)


def set_headers(response: Response) -> Response:
    """Add the security headers to a response."""
    response.headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    response.headers.update(CONSTANT_HEADERS)
    # Only over HTTPS as this app sees it. Behind a proxy, request.is_secure follows the
    # proxy's X-Forwarded-Proto only where it is trusted: by gunicorn for a proxy on
    # 127.0.0.1 (its forwarded_allow_ips), or by ProxyFix if a deployment wraps the app.
    max_age = current_app.config["HSTS_MAX_AGE"]
    if request.is_secure and max_age is not None:
        response.headers["Strict-Transport-Security"] = f"max-age={max_age}"
    if not _is_cacheable():
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(set_headers)
