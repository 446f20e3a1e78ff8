"""Uploads are checked by content, re-encoded to WebP and stripped of metadata."""

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from app.media import SIZES, ImageRejected, storage, store_image
from app.models import Product
from tests.factories import ShopFactory, image_bytes, staff_of

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def exif_with_orientation_and_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (10.0, 46.0, 0.0)}  # GPS position
    return exif


def test_stored_image_is_webp_in_three_sizes(app):
    stored = store_image(image_bytes(size=(2000, 1000)))
    for size, longest in SIZES.items():
        with Image.open(storage().path(f"{stored.key}-{size}.webp")) as image:
            assert image.format == "WEBP"
            assert max(image.size) == min(longest, 2000)


def test_exif_orientation_is_applied_then_metadata_dropped(app):
    data = image_bytes(size=(400, 200), exif=exif_with_orientation_and_gps())
    stored = store_image(data)
    assert (stored.width, stored.height) == (200, 400)  # turned upright
    with Image.open(storage().path(f"{stored.key}-lg.webp")) as image:
        assert image.size == (200, 400)
        assert not image.getexif()
        assert "exif" not in image.info and "xmp" not in image.info


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is a text file, not a photo", "not an image we can read"),
        (SVG_WITH_SCRIPT, "not an image we can read"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an image we can read"),
        (image_bytes("BMP", size=(10, 10)), "Upload a JPEG, PNG, WebP or GIF image."),
    ],
)
def test_non_images_are_rejected(app, data, message):
    with pytest.raises(ImageRejected, match=message):
        store_image(data)


def test_decompression_bomb_is_rejected_before_decoding(app):
    # A small PNG file that claims 20,000 x 20,000 pixels.
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < app.config["MAX_IMAGE_BYTES"]
    with pytest.raises(ImageRejected, match="too many pixels"):
        store_image(bomb.getvalue())


def test_oversized_file_is_rejected(app):
    app.config["MAX_IMAGE_BYTES"] = 10_000
    with pytest.raises(ImageRejected, match="larger than"):
        store_image(image_bytes(size=(800, 800), color=(10, 20, 30)) + b"\x00" * 20_000)


def test_nothing_is_stored_for_a_rejected_upload(app):
    with pytest.raises(ImageRejected):
        store_image(SVG_WITH_SCRIPT)
    assert not list(storage().root.rglob("*.webp"))


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 not an image", "evil.jpg", "not an image we can read"),
        (SVG_WITH_SCRIPT, "logo.svg", "Upload image files."),
        (SVG_WITH_SCRIPT, "logo.png", "not an image we can read"),
    ],
)
def test_product_form_reports_bad_upload_and_writes_nothing(client, auth, data, name, message):
    shop = ShopFactory()
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com")
    response = client.post(
        f"/en/manage/{shop.slug}/products/new",
        data={
            "sku": "A-1",
            "name_vi": "Mật ong rừng",
            "price_vnd": "200000",
            "stock": "5",
            "category_id": "0",
            "submit_review": "1",
            "images": [(io.BytesIO(data), name)],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Product.id))) == 0


def test_huge_request_gets_413_page(app, client, auth):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    shop = ShopFactory()
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com")
    response = client.post(
        f"/en/manage/{shop.slug}/products/new",
        data={"sku": "A", "images": [(io.BytesIO(b"x" * 5000), "a.jpg")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "The upload is too large" in response.get_data(as_text=True)


def test_media_route_does_not_escape_the_upload_folder(client):
    assert client.get("/media/../../config.py").status_code == 404
