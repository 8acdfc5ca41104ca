"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Every test here fails on a console error or an uncaught exception in any page of
its browser context, unless the test declares that message expected
(`browser_errors.allow(...)`).
"""

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# pytest-playwright runs an event loop in the test thread; Django refuses database
# calls there without this (see TRAPS.md).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Keyboard selection (Shift+arrows) in read-only text needs caret browsing, which
    # a reader turns on with F7; the flag starts the browser with it on.
    "--enable-caret-browsing",
]
# Per action and per assertion; a healthy test never waits this long.
TIMEOUT_MS = 5_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium; Playwright cannot download browsers here."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium); "
            "Playwright's own browser download is not used.",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


class BrowserErrors:
    """Console errors and uncaught page exceptions seen in one test's browser context."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        # Chromium asks for /favicon.ico by itself; the site has none yet.
        self.allowed: list[re.Pattern] = [re.compile(r"404 \(Not Found\) \(\S+/favicon\.ico:")]

    def allow(self, pattern: str) -> None:
        """Expect messages matching `pattern` (a regular expression), e.g. a 409 response."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [m for m in self.messages if not any(p.search(m) for p in self.allowed)]


_ERRORS_KEY = pytest.StashKey[BrowserErrors]()


@pytest.fixture(autouse=True)
def browser_errors(request, context) -> BrowserErrors:
    """Record console errors and page exceptions of every page of the context."""
    errors = BrowserErrors()

    def on_console(message) -> None:
        if message.type == "error":
            location = message.location or {}
            errors.messages.append(
                f"console error: {message.text} ({location.get('url', '?')}:"
                f"{location.get('lineNumber', '?')})"
            )

    def on_web_error(web_error) -> None:
        error = web_error.error
        errors.messages.append(f"uncaught exception: {error.message}\n{error.stack or ''}")

    context.on("console", on_console)
    context.on("weberror", on_web_error)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    request.node.stash[_ERRORS_KEY] = errors
    return errors


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test that passed on its own when its pages logged errors."""
    result = yield
    errors = item.stash.get(_ERRORS_KEY, None)
    unexpected = errors.unexpected() if errors else []
    if unexpected:
        raise AssertionError("The browser reported errors:\n" + "\n".join(unexpected))
    return result


@pytest.fixture
def log_in(live_server, context) -> Callable:
    """`log_in(user)`: give the browser context a session of `user` on the live server."""

    def log_in(user) -> None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return log_in


@pytest.fixture
def screenshot_dir() -> Path:
    """artifacts/screenshots/ (git-ignored), created on demand."""
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
