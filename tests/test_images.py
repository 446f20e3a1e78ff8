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


def new_product_with_image(client, auth, data: bytes, name: str):
    """Staff of a new shop submit the new-product form with one uploaded file."""
    shop = ShopFactory()
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com")
    return client.post(
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


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 not an image", "evil.jpg", "not an image we can read"),
        (SVG_WITH_SCRIPT, "logo.svg", "Upload image files."),
        (SVG_WITH_SCRIPT, "logo.png", "not an image we can read"),
    ],
)
def test_product_form_reports_bad_upload_and_writes_nothing(client, auth, data, name, message):
    response = new_product_with_image(client, auth, data, name)
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


# --- hostile uploads: polyglots, bombs, truncated files, and what /media serves -----------

HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


def zip_archive() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", HTML_PAYLOAD)
    return out.getvalue()


def stored_renditions(stored) -> list[bytes]:
    return [storage().path(f"{stored.key}-{size}.webp").read_bytes() for size in SIZES]


@pytest.mark.parametrize(
    "polyglot",
    [
        image_bytes("JPEG", size=(64, 64)) + HTML_PAYLOAD,
        image_bytes("JPEG", size=(64, 64)) + zip_archive(),
        image_bytes("PNG", size=(64, 64)) + HTML_PAYLOAD,
        image_bytes("GIF", size=(64, 64)) + b"<?php system($_GET['c']); ?>",
    ],
    ids=["jpeg+html", "jpeg+zip", "png+html", "gif+php"],
)
def test_polyglot_keeps_only_the_picture_after_re_encoding(app, polyglot):
    stored = store_image(polyglot)
    for data in stored_renditions(stored):
        assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
        for marker in (b"<script", b"<html", b"PK\x03\x04", b"<?php"):
            assert marker not in data


@pytest.mark.parametrize(
    "data",
    [
        HTML_PAYLOAD,
        b'<?xml version="1.0"?>' + SVG_WITH_SCRIPT,
        zip_archive(),
        b"GIF89a/*" + b"*/=1;alert(1);//",  # the classic GIF/JavaScript polyglot header
        b"\xff\xd8\xff\xe0" + HTML_PAYLOAD,  # a JPEG signature in front of HTML
    ],
    ids=["html", "svg", "zip", "gif-js", "jpeg-magic-html"],
)
def test_markup_or_archive_named_as_image_is_rejected(app, data):
    with pytest.raises(ImageRejected, match="not an image we can read"):
        store_image(data)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_truncated_image_is_rejected(app, fmt):
    whole = image_bytes(fmt, size=(300, 200))
    with pytest.raises(ImageRejected, match="not an image we can read"):
        store_image(whole[: len(whole) // 2])


def test_gif_claiming_a_huge_screen_is_rejected_before_decoding(app):
    import struct

    small = image_bytes("GIF", size=(10, 10))
    bomb = small[:6] + struct.pack("<HH", 65535, 65535) + small[10:]
    with pytest.raises(ImageRejected, match="too many pixels"):
        store_image(bomb)


def test_image_just_over_the_pixel_limit_is_rejected(app):
    app.config["MAX_IMAGE_PIXELS"] = 100 * 100
    with pytest.raises(ImageRejected, match="too many pixels"):
        store_image(image_bytes("PNG", size=(101, 100)))


def test_polyglot_uploaded_through_the_product_form_is_served_as_webp_only(client, auth):
    response = new_product_with_image(client, auth, image_bytes() + HTML_PAYLOAD, "photo.html.jpg")
    assert response.status_code == 302
    product = db.session.scalar(sa.select(Product))
    served = client.get(f"/media/{product.images[0].key}-md.webp")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/webp"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert b"<script" not in served.data


def test_media_is_always_served_as_webp_with_nosniff(app, client):
    # Even a file that somehow holds markup under a rendition name is never HTML to a browser.
    name = "0123456789abcdef0123456789abcdef-sm.webp"
    storage().save(name, HTML_PAYLOAD)
    response = client.get(f"/media/{name}")
    assert response.headers["Content-Type"] == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name",
    [
        "evil.html",
        "0123456789abcdef0123456789abcdef-sm.webp.tmp",
        "0123456789abcdef0123456789abcdef-xl.webp",
        "01/0123456789abcdef0123456789abcdef-sm.webp",
        "..%2F..%2Fconfig.py",
    ],
)
def test_media_serves_nothing_but_rendition_names(app, client, name):
    storage().save("0123456789abcdef0123456789abcdef-sm.webp.tmp", HTML_PAYLOAD)
    storage().save("evil.html", HTML_PAYLOAD)
    assert client.get(f"/media/{name}").status_code == 404
