"""`flask backup` and `flask restore` for the embedded mode: SQLite, uploads and search index.

A backup is one .tar.gz holding `manifest.json`, `database.sqlite` (taken with SQLite's
online backup API, so the app keeps serving, and writes made meanwhile are either in it or
not, never half), `uploads/` and `search/`. The search index is copied under its write
lock, so no writer changes it halfway through. On PostgreSQL the database belongs to
pg_dump/pg_restore and both commands refuse.
"""

import json
import shutil
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db

FORMAT = "chohtx-backup/1"
DATABASE = "database.sqlite"
MANIFEST = "manifest.json"


class BackupError(click.ClickException):
    """A problem the operator can fix; printed as one line, exit status 1."""


def _sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"flask backup/restore are for the embedded SQLite mode; this database is "
            f"{url.get_backend_name()} (use pg_dump and pg_restore, and copy UPLOAD_DIR)."
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory: there is no file to back up or restore.")
    return Path(url.database)


def _folders() -> dict[str, Path]:
    config = current_app.config
    return {"uploads": Path(config["UPLOAD_DIR"]), "search": Path(config["SEARCH_INDEX_DIR"])}


def _search_write_lock():
    """The Whoosh writers' lock, so the index is not changed while it is copied."""
    from app import search

    backend = search.backend()
    lock = getattr(backend, "_write_lock", None)
    if lock is None:
        raise BackupError("The search index is not a Whoosh index in SEARCH_INDEX_DIR.")
    return lock(timeout=120)


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def backup(destination: Path) -> dict:
    """Write a backup archive to `destination`; returns its manifest."""
    source = _sqlite_path()
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose a new file name.")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist.")
    if not destination.name.endswith((".tar.gz", ".tgz")):
        raise BackupError(f"{destination.name}: name the backup file *.tar.gz.")
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as work:
        work = Path(work)
        snapshot = work / DATABASE
        with sqlite3.connect(source) as live, sqlite3.connect(snapshot) as copy:
            live.backup(copy)
            revision = _revision(copy)
        copy.close()
        live.close()
        folders = _folders()
        with _search_write_lock() as locked:
            if not locked:
                raise BackupError("The search index stayed busy for two minutes; try again.")
            for name, folder in folders.items():
                if folder.is_dir():
                    shutil.copytree(
                        folder, work / name, ignore=shutil.ignore_patterns("write.lock", "*.tmp")
                    )
                else:
                    (work / name).mkdir()
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "alembic_revision": revision,
            "files": sum(1 for p in work.rglob("*") if p.is_file()),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            for name in (MANIFEST, DATABASE, *folders):
                archive.add(work / name, arcname=name)
        partial.replace(destination)  # the archive appears whole or not at all
    return manifest


def _read_archive(source: Path, into: Path) -> dict:
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    try:
        with tarfile.open(source, "r:gz") as archive:
            names = set(archive.getnames())
            if MANIFEST not in names or DATABASE not in names:
                raise BackupError(f"{source} is not a Chợ HTX backup (no manifest or database).")
            archive.extractall(into, filter="data")  # refuses absolute paths, .., links out
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{source} is not a readable .tar.gz backup: {error}") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (ValueError, OSError):
        raise BackupError(f"{source}: the manifest is damaged.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}.")
    with sqlite3.connect(into / DATABASE) as check:
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{source}: the database in it is damaged ({error}).") from None
    check.close()
    if result != "ok":
        raise BackupError(f"{source}: the database in it is damaged ({result}).")
    return manifest


def restore(source: Path) -> dict:
    """Replace the database, uploads and search index with a backup's; returns its manifest."""
    target = _sqlite_path()
    with tempfile.TemporaryDirectory(prefix="chohtx-restore-") as work:
        work = Path(work)
        manifest = _read_archive(source, work)
        db.session.remove()
        db.engine.dispose()  # this process's pooled connections would keep the old pages
        with sqlite3.connect(work / DATABASE) as backup_db, sqlite3.connect(target) as live:
            backup_db.backup(live)  # online: other connections see the old or the new data
        backup_db.close()
        live.close()
        with _search_write_lock() as locked:
            if not locked:
                raise BackupError("The search index stayed busy for two minutes; try again.")
            for name, folder in _folders().items():
                _replace_folder(work / name, folder)
        from app import page_cache

        page_cache.cache().bump()
    return manifest


def _replace_folder(source: Path, folder: Path) -> None:
    """Swap the folder's content for the backup's (the folder itself stays: locks, mounts)."""
    folder.mkdir(parents=True, exist_ok=True)
    incoming = folder.parent / f".{folder.name}.restoring"
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(source, incoming) if source.is_dir() else incoming.mkdir()
    for old in folder.iterdir():
        if old.name == "write.lock":
            continue
        shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    for new in incoming.iterdir():
        new.rename(folder / new.name)
    incoming.rmdir()


@click.command("backup")
@click.argument("destination", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(destination: Path) -> None:
    """Back up the SQLite database, uploaded images and search index into DESTINATION.tar.gz.

    The app may keep running: the database is copied with SQLite's online backup API.
    """
    manifest = backup(destination)
    click.echo(f"Backed up to {destination} ({manifest['files']} files).")


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database, uploaded images and search index with the backup SOURCE."""
    target = _sqlite_path()
    if not yes:
        click.confirm(f"Replace {target} and the uploads and search index?", abort=True)
    manifest = restore(source)
    from app.models import Product

    products = db.session.scalar(sa.select(sa.func.count()).select_from(Product))
    click.echo(f"Restored the backup of {manifest['created_at']} ({products} products).")
