"""Real-browser fixtures: the app served on 127.0.0.1 with CSRF on, driven by Debian chromium.

The live app gets its own copy of the migrated template database, like every other test.
The server thread opens its own connections to that database, so test data must be
committed before the browser asks for a page.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import _settings

CHROMIUM = "/usr/bin/chromium"  # Debian's package: browser downloads are not possible here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000  # a failing step fails in seconds, not after Playwright's default 30 s


@dataclass
class LiveServer:
    app: Flask
    url: str

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(tmp_path, template_db) -> Iterator[LiveServer]:
    """The app on a free port of 127.0.0.1, with the test thread inside its app context."""
    url = template_db.clone(tmp_path, "live")
    app = create_app(
        {
            **_settings(tmp_path),
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": True,  # the browser posts the real forms
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        with app.app_context():
            yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
            db.session.remove()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
        template_db.drop(url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser) -> Iterator[BrowserContext]:
    """A fresh profile per test (no cookies) whose browser prefers Vietnamese, like most buyers."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context) -> Iterator[Page]:
    """A tab that fails its test when the Content-Security-Policy refused anything: a page
    that breaks the policy would work in no browser that enforces it."""
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    assert not violations, "CSP violations:\n" + "\n".join(violations)
