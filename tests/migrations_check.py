"""The migrations on the configured database: up to head, down to base, up again, and no drift.

    .venv/bin/python -m tests.migrations_check          # a temporary SQLite file
    .venv/bin/python -m tests.servers postgres -- .venv/bin/python -m tests.migrations_check

(`make check-migrations` runs both.) Drift means the models say something the migrations do
not build: `flask db migrate` would then generate a new revision. Exits non-zero on failure.
"""

import os
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade


def main() -> int:
    from app import create_app
    from app.extensions import db
    from tests.conftest import _settings

    with tempfile.TemporaryDirectory(prefix="chohtx-migrations-") as folder:
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith("postgresql"):
            url = f"sqlite:///{Path(folder) / 'migrations.sqlite'}"
        app = create_app({**_settings(Path(folder)), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            engine = db.engine
            print(f"{engine.dialect.name}: upgrade head")
            upgrade()
            with engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"include_name": _app_tables, "compare_type": True}
                )
                drift = compare_metadata(context, db.metadata)
            print(f"{engine.dialect.name}: downgrade base")
            downgrade(revision="base")
            left = [t for t in sa.inspect(engine).get_table_names() if t != "alembic_version"]
            print(f"{engine.dialect.name}: upgrade head again")
            upgrade()
            engine.dispose()
    if drift:
        print("The models differ from what the migrations build:", file=sys.stderr)
        for difference in drift:
            print(f"  {difference}", file=sys.stderr)
    if left:
        print(f"Tables left after downgrade base: {', '.join(sorted(left))}", file=sys.stderr)
    if drift or left:
        return 1
    print("migrations: ok")
    return 0


def _app_tables(name, type_, parent_names) -> bool:
    return not (type_ == "table" and (name or "").startswith("search_"))


if __name__ == "__main__":
    sys.exit(main())
