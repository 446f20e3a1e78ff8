"""A full disk or a folder that cannot be written (uploads, mail outbox, search index, bank
batch files): a clear error, no partial file left, and the database change rolled back or
kept for a retry.

How the folder is made unwritable: the tests run as root, for whom chmod does not stop
writes, and a read-only bind mount or a tiny tmpfs needs CAP_SYS_ADMIN, which containers
(this CI's included) often lack. So the folder is replaced by an ordinary FILE of the same
name: every mkdir, open and rename beneath it fails with OSError (ENOTDIR), exactly the
path an unwritable or full disk takes through the code, on any machine and for any user.
"""

import io
import shutil
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import PendingJob, Product
from tests.factories import ProductFactory, UserFactory, image_bytes
from tests.faults.invariants import check


def unwritable(folder: Path) -> None:
    """Turn `folder` into a file: nothing can be written under it any more."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder: writes here fail like on a read-only or full disk\n")


def writable(folder: Path) -> None:
    folder.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []


PRODUCT = {
    "sku": "CF-09",
    "name_vi": "Cà phê Culi",
    "name_en": "Culi coffee",
    "description_vi": "Rang mộc.",
    "description_en": "Plain roasted.",
    "category_id": "0",
    "price_vnd": "150000",
    "stock": "12",
    "unit": "gói",
    "weight_g": "520",
    "submit_review": "1",
}


def test_an_upload_to_an_unwritable_folder_is_a_503_and_no_product_is_half_saved(
    app, client, shop, staff
):
    uploads = Path(app.config["UPLOAD_DIR"])
    unwritable(uploads)
    for lang, message in [
        ("en", "We could not save your file"),
        ("vi", "Không lưu được tệp của bạn"),
    ]:
        form = {**PRODUCT, "images": [(io.BytesIO(image_bytes()), "photo.jpg")]}
        response = client.post(f"/{lang}/manage/{shop.slug}/products/new", data=form)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert message in response.get_data(as_text=True)
    assert (
        db.session.scalar(sa.select(sa.func.count(Product.id)).where(Product.sku == "CF-09")) == 0
    )

    writable(uploads)
    form = {**PRODUCT, "images": [(io.BytesIO(image_bytes()), "photo.jpg")]}
    response = client.post(f"/en/manage/{shop.slug}/products/new", data=form)
    assert response.status_code == 302
    names = sorted(p.name for p in files_under(uploads))
    assert len(names) == 3 and not [n for n in names if n.endswith(".tmp")]


def test_mail_to_an_unwritable_outbox_is_kept_and_delivered_once_it_is_writable(
    app, client, runner, outbox
):
    UserFactory(email="lan@example.com")
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    unwritable(folder)
    response = client.post("/en/reset-password", data={"email": "lan@example.com"})
    assert response.status_code == 302  # the request succeeded: the mail waits
    (kept,) = db.session.scalars(sa.select(PendingJob))
    assert kept.name == "app.mail:deliver" and "StorageUnavailable" in kept.last_error

    writable(folder)
    result = runner.invoke(args=["jobs", "retry", "--all"])
    assert "1 job(s) done" in result.output
    assert [m["To"] for m in outbox()] == ["lan@example.com"]
    assert not [p for p in folder.iterdir() if p.suffix == ".tmp"]
    assert db.session.scalar(sa.select(sa.func.count(PendingJob.id))) == 0


def test_a_search_index_that_cannot_be_written_is_reported_and_repaired_by_reindex(
    app, client, runner
):
    ProductFactory(name_vi="Mắm tôm Thanh Hóa")
    root = Path(app.config["SEARCH_INDEX_DIR"])
    app.extensions["search"].forget_reader()
    unwritable(root)
    ProductFactory(name_vi="Chè lam Phủ Quảng")  # the product is saved; its index entry is not
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["search"] == "error"
    assert client.get("/vi/").status_code == 200  # the rest of the site serves
    response = client.get("/api/v1/products?q=che+lam")
    # A rate-limited view: Flask-Limiter may lengthen Retry-After to its window's reset.
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 5
    assert response.get_json()["error"]["code"] == "unavailable"

    writable(root)
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed 2 products." in result.output
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/products?q=che+lam").get_json()["total"] == 1


def test_a_bank_batch_file_that_cannot_be_written_is_written_by_the_next_run(
    app, client, auth, runner, coop
):
    from tests.test_payouts import sell, window_passes

    shop, product, staff, _admin = coop
    sell(client, auth, product, 2, staff)
    window_passes(app)
    folder = Path(app.config["PAYOUT_BATCH_DIR"])
    unwritable(folder)
    result = runner.invoke(args=["payouts", "run"])
    assert result.exit_code == 1
    assert "the bank batch file could not be written" in result.output
    assert "pays nothing twice" in result.output

    writable(folder)
    again = runner.invoke(args=["payouts", "run"])
    assert again.exit_code == 0, again.output
    assert "0 payout(s)" in again.output  # nothing paid twice ...
    (batch,) = folder.glob("payout-batch-*.csv")  # ... and the first run's file is written
    assert "0011001234567" in batch.read_text()
    assert [p.name for p in folder.iterdir()] == [batch.name]
    invariants = check(app.config["SQLALCHEMY_DATABASE_URI"], {product.id: 100})
    assert all(invariants.values()), invariants
