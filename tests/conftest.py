"""Fixtures: every test gets a fresh database built by the real migrations.

The migrations run once per session into a template database; each test gets a copy of it,
which is much faster than migrating again and still tests the schema that production gets.
On SQLite the template is a file that is copied; with DATABASE_URL=postgresql+psycopg://...
(as `make test-postgres` sets it) it is a PostgreSQL database that each test's database is
created from (`CREATE DATABASE ... TEMPLATE`), and dropped after the test.
"""

import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.search import postgres_backend
from tests.factories import ProductFactory, ShopFactory, UserFactory, staff_of

# Every app the suite creates starts from TestingConfig itself (config_from_environment).
os.environ["APP_ENV"] = "testing"


def postgres_url() -> str | None:
    """The PostgreSQL server the suite runs on, or None for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@dataclass
class TemplateDatabase:
    """A migrated (perhaps seeded) database that tests copy; `folder` holds files beside it."""

    url: str
    folder: Path
    _admin: sa.Engine | None = field(default=None, repr=False)

    @property
    def is_postgres(self) -> bool:
        return self._admin is not None

    def clone(self, folder: Path, name: str = "test") -> str:
        """A new database with this one's content; returns its URL."""
        if not self.is_postgres:
            path = folder / f"{name}.sqlite"
            shutil.copy(sa.make_url(self.url).database, path)
            return f"sqlite:///{path}"
        database = f"{name}_{uuid.uuid4().hex[:12]}"
        template = sa.make_url(self.url).database
        with self._admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        return sa.make_url(self.url).set(database=database).render_as_string(hide_password=False)

    def derive(self, folder: Path, name: str = "template") -> "TemplateDatabase":
        """A copy of this template to change (seed) and then copy from, like this one."""
        return TemplateDatabase(self.clone(folder, name), folder, self._admin)

    def drop(self, url: str) -> None:
        if self.is_postgres:
            database = sa.make_url(url).database
            with self._admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    server = postgres_url()
    admin = None
    if server:
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        name = f"template_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{folder / 'template.sqlite'}"
    app = create_app(
        {**_settings(tmp_path_factory.mktemp("unused")), "SQLALCHEMY_DATABASE_URI": url}
    )
    with app.app_context():
        upgrade()
        if server:  # the PostgreSQL search backend's tables, as its first use creates them
            with db.engine.begin() as connection:
                postgres_backend.install(connection)
        db.engine.dispose()
    template = TemplateDatabase(url, folder, admin)
    yield template
    template.drop(url)


def _settings(tmp_path) -> dict:
    return {
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


SEARCH_BACKENDS = ["whoosh", "postgres"] if postgres_url() else ["whoosh"]


@pytest.fixture
def app_settings() -> dict:
    """Settings a test module adds to its apps' (override it, e.g. to parametrise a backend)."""
    return {}


@pytest.fixture
def app(tmp_path, template_db, app_settings):
    url = template_db.clone(tmp_path)
    app = create_app({**_settings(tmp_path), "SQLALCHEMY_DATABASE_URI": url, **app_settings})
    app.test_client_class = FreshContextClient
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        template_db.drop(url)


@pytest.fixture(scope="session")
def redis_server_url():
    """A throwaway redis-server (no persistence) for the whole session."""
    from tests.servers import redis_server

    with redis_server() as url:
        yield url


@pytest.fixture
def redis_url(redis_server_url):
    """The throwaway Redis, emptied for this test."""
    from redis import Redis

    with Redis.from_url(redis_server_url) as connection:
        connection.flushdb()
    return redis_server_url


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


@pytest.fixture
def coop(app, tmp_path):
    """The payouts' cooperative: tea at 100,000 đ, bank details, one staff member, a buyer."""
    from tests.shopping import buyer

    app.config["PAYOUT_BATCH_DIR"] = str(tmp_path / "batches")
    shop = ShopFactory(
        slug="htx-ea-kar",
        payout_bank_bin="970436",
        payout_account_no="0011001234567",
        payout_account_holder="Hợp tác xã Ea Kar",
    )
    product = ProductFactory(shop=shop, name_en="Green tea", price_vnd=100_000, stock=100)
    staff = staff_of(shop, email="staff@example.com")
    buyer()
    admin = UserFactory(email="admin@example.com", role="admin")
    return shop, product, staff, admin
