"""Fixtures: every test gets a fresh database built by the real migrations.

The migrations run once per session into a template SQLite file; each test copies it, which
is much faster than migrating again and still tests the schema that production gets.
"""

import re
import shutil

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.factories import ProductFactory, ShopFactory, staff_of


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app(
        {
            **_settings(tmp_path_factory.mktemp("unused")),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


def _settings(tmp_path) -> dict:
    return {
        **{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "DOCUMENT_DIR": str(tmp_path / "documents"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
        "PAGE_CACHE_VERSION_FILE": str(tmp_path / "catalog-version"),
        "MAIL_SERVER": None,
        "SERVER_NAME": None,
    }


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (own g and db session), as in production.

    The test itself keeps an app context open for factories and queries; without this, Flask
    would reuse it for requests, sharing g (locale, CSRF token) between them.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(tmp_path, template_db):
    db_path = tmp_path / "test.sqlite"
    shutil.copy(template_db, db_path)
    app = create_app({**_settings(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}"})
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="buyer@example.com", password="password123", lang="vi"):
        return self._client.post(f"/{lang}/login", data={"email": email, "password": password})

    def logout(self, lang="vi"):
        return self._client.post(f"/{lang}/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def outbox(app):
    """The mails sent so far, as parsed messages, oldest first."""
    from email import message_from_bytes, policy
    from pathlib import Path

    def read():
        folder = Path(app.config["MAIL_OUTBOX_DIR"])
        return [
            message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(folder.glob("*.eml"))
        ]

    return read


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


# A coffee cooperative, one of its products, and its signed-in staff member: the world of
# most staff-side tests (a test module may define its own fixture of the same name instead).
@pytest.fixture
def shop():
    return ShopFactory(slug="htx-ea-tu", name_vi="HTX Cà phê Ea Tu", name_en="Ea Tu Coffee Co-op")


@pytest.fixture
def product(shop):
    return ProductFactory(
        shop=shop, sku="CF-01", name_vi="Cà phê Robusta", name_en="Robusta coffee"
    )


@pytest.fixture
def staff(shop, auth):
    user = staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com")
    return user
