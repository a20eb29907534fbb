"""A live server and a real Chromium (Debian's, driven by Playwright).

Every page reports its console, its uncaught script errors and every
Content-Security-Policy violation; a browser test whose pages saw a violation or a
script error fails (see `pytest_runtest_call`).
"""

import functools
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, unavailable

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        unavailable("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Runs in every document before its own scripts; the binding outlives navigations.
_REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  window.reportCspViolation({
    directive: event.effectiveDirective, blocked: event.blockedURI,
    sample: event.sample, page: event.documentURI,
    source: event.sourceFile + ':' + event.lineNumber,
  });
});
"""


@dataclass
class BrowserConsole:
    """What the pages of one test said: console messages, script errors, CSP violations."""

    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)

    def attach(self, context) -> None:
        context.expose_binding(
            "reportCspViolation", lambda source, report: self.violations.append(report)
        )
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", lambda message: self.messages.append(
            f"{message.type}: {message.text}"))
        context.on("weberror", lambda error: self.errors.append(str(error.error)))

    def problems(self) -> list[str]:
        """Return the CSP violations and script errors seen, one line each."""
        refused = [m for m in self.messages if "Content Security Policy" in m]
        return [*map(str, self.violations), *refused, *self.errors]


@pytest.fixture
def browser_console() -> BrowserConsole:
    return BrowserConsole()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Fail a browser test, once its body passed, if a page broke the CSP or threw."""
    result = yield
    console = getattr(item, "funcargs", {}).get("browser_console")
    if console is not None and console.problems():
        pytest.fail("the pages reported:\n" + "\n".join(console.problems()), pytrace=False)
    return result


# A phone held upright (the size of a common one), as a phone's browser lays pages out.
PHONE_VIEWPORT = {"width": 390, "height": 844}
PHONE = {"viewport": PHONE_VIEWPORT, "is_mobile": True, "has_touch": True}


def _page(browser, live_server: str, console: BrowserConsole, **options):
    context = browser.new_context(base_url=live_server, locale="zh-CN", **options)
    console.attach(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def page(browser, live_server: str, browser_console: BrowserConsole):
    page = _page(browser, live_server, browser_console, viewport={"width": 1440, "height": 900})
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser, live_server: str, browser_console: BrowserConsole):
    page = _page(browser, live_server, browser_console, **PHONE)
    yield page
    page.context.close()


def sign_in(page, username: str) -> None:
    """Sign in on page as username (a fixture account)."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")


@pytest.fixture
def sign_in_as(page):
    return functools.partial(sign_in, page)


@pytest.fixture
def artifact_path():
    def path(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        return ARTIFACTS / name

    return path
