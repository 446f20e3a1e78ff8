"""`flask backup` / `flask restore`: the embedded mode's database, images and index round-trip."""

import io
import json
import tarfile

import pytest
import sqlalchemy as sa

from app import search
from app.extensions import db
from app.models import Product
from tests.conftest import postgres_url
from tests.factories import ProductFactory, add_image


def product_names() -> set[str]:
    return set(db.session.scalars(sa.select(Product.name_vi)))


def search_names(query: str) -> set[str]:
    ids = search.search(query, "vi").ids
    return set(db.session.scalars(sa.select(Product.name_vi).where(Product.id.in_(ids))))


if not postgres_url():

    def test_backup_then_restore_brings_back_database_images_and_index(app, runner, tmp_path):
        product = ProductFactory(name_vi="Mật ong bạc hà", slug="mat-ong")
        stored = add_image(product)
        db.session.commit()
        archive = tmp_path / "chohtx.tar.gz"

        result = runner.invoke(args=["backup", str(archive)])
        assert result.exit_code == 0, result.output
        assert f"Backed up to {archive}" in result.output
        with tarfile.open(archive) as tar:
            names = tar.getnames()
            manifest = json.load(tar.extractfile("manifest.json"))
        assert "database.sqlite" in names
        assert f"uploads/{stored.key[:2]}/{stored.key}-md.webp" in names
        assert any(name.startswith("search/index-") for name in names)
        assert manifest["format"] == "chohtx-backup/1" and manifest["alembic_revision"]

        # Things go wrong after the backup: the product is renamed, another added, a file lost.
        product.name_vi = "Tên sai"
        ProductFactory(name_vi="Sản phẩm sau sao lưu")
        db.session.commit()
        image_path = app.extensions["media_storage"].path(f"{stored.key}-md.webp")
        image_path.unlink()
        assert search_names("mat ong") == set()

        result = runner.invoke(args=["restore", str(archive), "--yes"])
        assert result.exit_code == 0, result.output
        assert "Restored the backup of" in result.output
        db.session.remove()
        assert product_names() == {"Mật ong bạc hà"}
        assert image_path.exists()
        assert search_names("mat ong") == {"Mật ong bạc hà"}
        assert search_names("sau sao luu") == set()
        client = app.test_client()
        assert "Mật ong bạc hà" in client.get("/vi/p/mat-ong").get_data(as_text=True)
        assert client.get(f"/media/{stored.key}-md.webp").status_code == 200

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("missing-folder/b.tar.gz", "does not exist"),
            ("backup.zip", "name the backup file *.tar.gz"),
        ],
    )
    def test_backup_refuses_bad_destinations(runner, tmp_path, name, message):
        result = runner.invoke(args=["backup", str(tmp_path / name)])
        assert result.exit_code == 1
        assert message in result.output

    def test_backup_never_overwrites_a_file(runner, tmp_path):
        existing = tmp_path / "old.tar.gz"
        existing.write_bytes(b"precious")
        result = runner.invoke(args=["backup", str(existing)])
        assert result.exit_code == 1
        assert "already exists" in result.output
        assert existing.read_bytes() == b"precious"

    def _tar(path, members: dict[str, bytes]) -> None:
        with tarfile.open(path, "w:gz") as tar:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))

    def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(runner, tmp_path):
        ProductFactory(name_vi="Gạo ST25")
        manifest = json.dumps({"format": "chohtx-backup/1"}).encode()
        bad = {
            "missing.tar.gz": None,
            "text.tar.gz": b"not an archive",
            "other.tar.gz": {"readme.txt": b"hello"},
            "escape.tar.gz": {
                "manifest.json": manifest,
                "database.sqlite": b"",
                "../outside.txt": b"x",
            },
            "damaged.tar.gz": {"manifest.json": manifest, "database.sqlite": b"garbage" * 200},
        }
        for name, content in bad.items():
            path = tmp_path / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            elif isinstance(content, dict):
                _tar(path, content)
            result = runner.invoke(args=["restore", str(path), "--yes"])
            assert result.exit_code == 1, (name, result.output)
            assert result.output.startswith("Error:"), (name, result.output)
            assert "Traceback" not in result.output
        assert not (tmp_path.parent / "outside.txt").exists()
        db.session.remove()
        assert product_names() == {"Gạo ST25"}

else:

    def test_backup_and_restore_refuse_on_postgresql(runner, tmp_path):
        for args in (["backup", str(tmp_path / "b.tar.gz")], ["restore", "x.tar.gz", "--yes"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 1
            assert "for the embedded SQLite mode" in result.output
            assert "pg_dump" in result.output
        assert not (tmp_path / "b.tar.gz").exists()
