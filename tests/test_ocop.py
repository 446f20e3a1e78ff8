"""OCOP certificates: staff submit with a scan, admins verify, badges, verify pages, feeds."""

import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import feedparser
import jsonschema
import pytest
import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from app.models import AuditEntry, CertificateStatus, OcopCertificate
from app.models.base import utcnow, vietnam_today
from app.search import SearchFilters, search
from tests.factories import (
    ProductFactory,
    ShopFactory,
    UserFactory,
    image_bytes,
    province,
    staff_of,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def admin(auth):
    user = UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com")
    return user


def certificate(product, number, status=CertificateStatus.VERIFIED, **kwargs) -> OcopCertificate:
    """A certificate entered straight into the database, in the state a test needs."""
    today = vietnam_today()
    values = {
        "stars": 4,
        "issuer": "UBND tỉnh Đắk Lắk",
        "issued_on": today - timedelta(days=400),
        "expires_on": today + timedelta(days=700),
        "product_group": "beverages",
        "verified_at": utcnow() if status != CertificateStatus.PENDING else None,
        **kwargs,
    }
    cert = OcopCertificate(product=product, certificate_no=number, status=status, **values)
    db.session.add(cert)
    db.session.commit()
    return cert


def form(product, **overrides):
    data = {
        "product_id": str(product.id),
        "certificate_no": "OCOP-66-2025-0042",
        "stars": "4",
        "issuer": "UBND tỉnh Đắk Lắk",
        "issued_on": "2025-03-01",
        "expires_on": "2028-03-01",
        "product_group": "beverages",
        "scan": (io.BytesIO(PDF), "giay-chung-nhan.pdf"),
    }
    data.update(overrides)
    return data


def submit(client, shop, data):
    return client.post(
        f"/en/manage/{shop.slug}/ocop/new", data=data, content_type="multipart/form-data"
    )


def count_certificates() -> int:
    return db.session.scalar(sa.select(sa.func.count(OcopCertificate.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


# --- staff submissions ------------------------------------------------------------------


def test_staff_submit_certificate_with_pdf_scan_which_stays_private(
    app, client, shop, product, staff
):
    response = submit(client, shop, form(product))
    assert response.status_code == 302
    cert = db.session.scalar(sa.select(OcopCertificate))
    assert cert.status == "pending"
    assert (cert.stars, cert.issued_on, cert.expires_on) == (4, date(2025, 3, 1), date(2028, 3, 1))
    assert cert.submitted_by_id == staff.id
    assert cert.scan_key.endswith(".pdf")
    assert audit_actions() == ["ocop.submit"]
    listing = client.get(f"/en/manage/{shop.slug}/ocop").get_data(as_text=True)
    assert "OCOP-66-2025-0042" in listing and "Waiting for verification" in listing

    scan = client.get(f"/en/ocop/scans/{cert.id}")
    assert scan.status_code == 200 and scan.data == PDF
    assert scan.mimetype == "application/pdf"
    assert "no-store" in scan.headers["Cache-Control"]
    assert not list(Path(app.config["UPLOAD_DIR"]).glob("??/*.pdf"))  # not in public media
    key = cert.scan_key
    for sneaky in (f"%2e/private/ocop-scans/{key[:2]}/{key}", f"%2e%2e/{key}", key):
        assert client.get(f"/media/{sneaky}").status_code == 404
    client.post("/en/logout")
    assert client.get(f"/en/ocop/scans/{cert.id}").status_code == 302  # to the login page


def test_image_scan_is_reencoded_without_metadata(client, shop, product, staff):
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    photo = image_bytes("JPEG", exif=exif.tobytes())
    response = submit(client, shop, form(product, scan=(io.BytesIO(photo), "scan.jpg")))
    assert response.status_code == 302
    cert = db.session.scalar(sa.select(OcopCertificate))
    scan = client.get(f"/en/ocop/scans/{cert.id}")
    assert scan.mimetype == "image/webp" and scan.data[:4] == b"RIFF"
    assert not Image.open(io.BytesIO(scan.data)).getexif()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"issued_on": "01/03/2025"}, "Write the date as YYYY-MM-DD"),
        ({"expires_on": "2028-02-30"}, "Write the date as YYYY-MM-DD"),
        ({"stars": "2"}, "Only 3, 4 or 5-star products are certified."),
        ({"stars": "6"}, "Only 3, 4 or 5-star products are certified."),
        ({"stars": "four"}, "Not a valid integer value."),
        ({"expires_on": "2024-03-01"}, "The expiry date must be after the issue date."),
        ({"certificate_no": ""}, "This field is required."),
        ({"scan": (io.BytesIO(b""), "")}, "Upload a scan or photo of the certificate."),
        (
            {"scan": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "scan.pdf")},
            "Upload a PDF or an image",
        ),
        ({"scan": (io.BytesIO(PDF), "scan.exe")}, "Upload a PDF or an image."),
    ],
)
def test_bad_certificate_is_refused_with_a_clear_message(
    client, shop, product, staff, overrides, message
):
    response = submit(client, shop, form(product, **overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count_certificates() == 0


def test_too_large_scan_is_refused(app, client, shop, product, staff):
    app.config["MAX_SCAN_BYTES"] = 1024
    big = PDF + b"0" * 2048
    response = submit(client, shop, form(product, scan=(io.BytesIO(big), "big.pdf")))
    assert response.status_code == 400
    assert "The scan is larger than" in response.get_data(as_text=True)
    assert count_certificates() == 0


def test_duplicate_certificate_number_is_refused(client, shop, product, staff):
    other = ProductFactory(shop=ShopFactory())
    certificate(other, "OCOP-66-2025-0042")
    response = submit(client, shop, form(product))
    assert response.status_code == 400
    assert "OCOP-66-2025-0042 is already registered" in response.get_data(as_text=True)
    assert count_certificates() == 1


def test_staff_cannot_touch_another_shops_certificate(client, shop, product, staff):
    other_shop = ShopFactory(slug="htx-khac")
    other_product = ProductFactory(shop=other_shop)
    theirs = certificate(other_product, "OCOP-OTHER-1", status=CertificateStatus.PENDING)
    theirs.scan_key = "0123456789abcdef.pdf"
    db.session.commit()

    assert client.get("/en/manage/htx-khac/ocop").status_code == 403
    assert submit(client, other_shop, form(other_product)).status_code == 403
    assert client.get(f"/en/manage/{shop.slug}/ocop/{theirs.id}/edit").status_code == 404
    edit = client.post(
        f"/en/manage/{shop.slug}/ocop/{theirs.id}/edit",
        data=form(product, certificate_no="OCOP-STOLEN"),
        content_type="multipart/form-data",
    )
    assert edit.status_code == 404
    assert client.get(f"/en/ocop/scans/{theirs.id}").status_code == 403
    # Naming another shop's product in one's own form is refused too.
    response = submit(client, shop, form(other_product))
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(theirs)
    assert theirs.certificate_no == "OCOP-OTHER-1" and count_certificates() == 1


def test_staff_cannot_verify_their_own_certificate(client, shop, product, staff):
    cert = certificate(product, "OCOP-SELF", status=CertificateStatus.PENDING)
    assert client.post(f"/en/admin/ocop/{cert.id}/verify").status_code == 403
    assert client.get("/en/admin/ocop").status_code == 403
    db.session.refresh(cert)
    assert cert.status == "pending"


# --- admin decisions --------------------------------------------------------------------


def test_admin_verifies_after_seeing_the_scan_and_the_badge_shows(client, auth, shop, product):
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com")
    submit(client, shop, form(product))
    cert = db.session.scalar(sa.select(OcopCertificate))
    badge = "/ocop/badge/OCOP-66-2025-0042.svg"
    assert badge not in client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    auth.logout()
    admin = UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com")

    queue = client.get("/en/admin/ocop").get_data(as_text=True)
    assert "OCOP-66-2025-0042" in queue
    review = client.get(f"/en/admin/ocop/{cert.id}").get_data(as_text=True)
    assert f"/en/ocop/scans/{cert.id}" in review and "UBND tỉnh Đắk Lắk" in review
    assert client.get(f"/en/ocop/scans/{cert.id}").status_code == 200

    response = client.post(f"/en/admin/ocop/{cert.id}/verify")
    assert response.status_code == 302
    db.session.refresh(cert)
    assert cert.status == "verified" and cert.verified_by_id == admin.id
    assert audit_actions() == ["ocop.submit", "ocop.verify"]
    auth.logout()
    page = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert "/ocop/badge/OCOP-66-2025-0042.svg" in page
    assert "/en/ocop/verify/OCOP-66-2025-0042" in page
    feed = client.get("/ocop/feed.json").get_json()
    assert [item["_ocop"]["certificate_no"] for item in feed["items"]] == ["OCOP-66-2025-0042"]


def test_admin_rejects_with_a_reason_the_staff_see_and_staff_send_it_again(
    client, auth, shop, product, admin
):
    cert = certificate(product, "OCOP-66-2025-0042", status=CertificateStatus.PENDING)
    no_reason = client.post(f"/en/admin/ocop/{cert.id}/reject", data={"reason": " "})
    assert no_reason.status_code == 302
    db.session.refresh(cert)
    assert cert.status == "pending"
    client.post(
        f"/en/admin/ocop/{cert.id}/reject",
        data={"reason": "Số trên bản scan là 0043, không phải 0042."},
    )
    db.session.refresh(cert)
    assert cert.status == "rejected"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "ocop.reject"))
    assert entry.reason == "Số trên bản scan là 0043, không phải 0042."
    auth.logout()

    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com")
    listing = client.get(f"/en/manage/{shop.slug}/ocop").get_data(as_text=True)
    assert "Số trên bản scan là 0043, không phải 0042." in listing
    response = client.post(
        f"/en/manage/{shop.slug}/ocop/{cert.id}/edit",
        data=form(product, certificate_no="OCOP-66-2025-0043", scan=(io.BytesIO(b""), "")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(cert)
    assert (cert.status, cert.certificate_no, cert.rejection_reason) == (
        "pending",
        "OCOP-66-2025-0043",
        "",
    )
    assert audit_actions()[-1] == "ocop.resubmit"


def test_admin_revokes_a_verified_certificate(client, auth, product, admin):
    cert = certificate(product, "OCOP-REV-1")
    assert client.post(f"/en/admin/ocop/{cert.id}/verify").status_code == 302  # not pending
    db.session.refresh(cert)
    assert cert.status == "verified"
    client.post(f"/en/admin/ocop/{cert.id}/revoke", data={"reason": "Withdrawn by the province."})
    db.session.refresh(cert)
    assert cert.status == "revoked" and cert.revocation_reason == "Withdrawn by the province."
    assert audit_actions() == ["ocop.revoke"]
    auth.logout()
    page = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert "/ocop/badge/OCOP-REV-1.svg" not in page
    assert client.get(f"/api/v1/products/{product.id}").get_json()["ocop"] is None
    assert search("", filters=SearchFilters(ocop_stars=4)).total == 0


# --- the one rule: verified, not revoked, within its dates -------------------------------


@pytest.fixture
def certificates(shop, product):
    """One certificate of each kind; only the first two count today."""
    today = vietnam_today()
    second = ProductFactory(shop=ShopFactory(province=province("an-giang")), sku="NM-01")
    hidden = ProductFactory(shop=shop, is_hidden=True)
    return {
        "valid": certificate(product, "OCOP-VALID-4", stars=4),
        "valid5": certificate(second, "OCOP-VALID-5", stars=5, product_group="food"),
        "expired": certificate(
            ProductFactory(shop=shop),
            "OCOP-EXPIRED",
            issued_on=today - timedelta(days=1100),
            expires_on=today - timedelta(days=1),
        ),
        "pending": certificate(ProductFactory(shop=shop), "OCOP-PENDING", status="pending"),
        "rejected": certificate(ProductFactory(shop=shop), "OCOP-REJECTED", status="rejected"),
        "revoked": certificate(ProductFactory(shop=shop), "OCOP-REVOKED", status="revoked"),
        "hidden": certificate(hidden, "OCOP-HIDDEN-PRODUCT"),
    }


def test_feed_items_exactly_match_verified_unexpired_certificates(client, certificates):
    body = client.get("/ocop/feed.json").get_json()
    numbers = [item["_ocop"]["certificate_no"] for item in body["items"]]
    assert sorted(numbers) == ["OCOP-VALID-4", "OCOP-VALID-5"]
    atom = feedparser.parse(client.get("/ocop/feed.atom").data)
    assert sorted(entry["ocop_certificate_no"] for entry in atom.entries) == sorted(numbers)


def test_a_certificate_expires_on_the_day_after_its_expiry_date(client, certificates):
    cert = certificates["valid"]
    cert.expires_on = vietnam_today()
    db.session.commit()
    assert "OCOP-VALID-4" in client.get("/ocop/feed.json").get_data(as_text=True)
    cert.expires_on = vietnam_today() - timedelta(days=1)
    db.session.commit()
    assert "OCOP-VALID-4" not in client.get("/ocop/feed.json").get_data(as_text=True)


def test_json_feed_passes_the_json_feed_1_1_schema(client, certificates):
    for url in ("/ocop/feed.json", "/ocop/feed.json?lang=en&stars=5&province=an-giang"):
        response = client.get(url)
        assert response.mimetype == "application/feed+json"
        jsonschema.validate(response.get_json(), SCHEMA)
    body = client.get("/ocop/feed.json?lang=en").get_json()
    item = next(i for i in body["items"] if i["_ocop"]["certificate_no"] == "OCOP-VALID-4")
    assert item["title"] == "Robusta coffee" and item["language"] == "en"
    assert set(item["_ocop"]) == {
        "stars",
        "certificate_no",
        "issuer",
        "issued_on",
        "expires_on",
        "product_group",
        "badge",
        "verify_url",
    }
    assert item["_ocop"]["badge"] == "http://localhost/ocop/badge/OCOP-VALID-4.svg"
    assert item["_ocop"]["verify_url"] == "http://localhost/en/ocop/verify/OCOP-VALID-4"
    assert item["_ocop"]["stars"] == 4 and item["_ocop"]["product_group"] == "beverages"


def test_feed_is_newest_first_and_filters_by_stars_and_province(client, certificates):
    certificates["valid5"].verified_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    items = client.get("/ocop/feed.json").get_json()["items"]
    assert [i["_ocop"]["certificate_no"] for i in items] == ["OCOP-VALID-5", "OCOP-VALID-4"]
    five = client.get("/ocop/feed.json?stars=5").get_json()["items"]
    assert [i["_ocop"]["certificate_no"] for i in five] == ["OCOP-VALID-5"]
    dak_lak = client.get("/ocop/feed.atom?province=dak-lak").data
    assert [e["ocop_certificate_no"] for e in feedparser.parse(dak_lak).entries] == ["OCOP-VALID-4"]


@pytest.mark.parametrize("query", ["stars=7", "stars=x", "lang=fr", "province=atlantis"])
def test_bad_feed_parameters_are_refused(client, query):
    assert client.get(f"/ocop/feed.json?{query}").status_code == 400
    assert client.get(f"/ocop/feed.atom?{query}").status_code == 400


def test_atom_feed_parses_without_bozo_and_carries_the_ocop_namespace(client, certificates):
    response = client.get("/ocop/feed.atom?lang=en")
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.namespaces["ocop"] == "https://chohtx.vn/ns/ocop/1.0"
    entry = next(e for e in parsed.entries if e["ocop_certificate_no"] == "OCOP-VALID-4")
    assert entry.title == "Robusta coffee"
    assert entry["ocop_stars"] == "4"
    assert entry["ocop_verify_url"] == "http://localhost/en/ocop/verify/OCOP-VALID-4"
    assert entry.link.endswith(f"/en/p/{certificates['valid'].product.slug}")


@pytest.mark.parametrize("url", ["/ocop/feed.json", "/ocop/feed.atom"])
def test_feeds_answer_conditional_gets_with_304(client, certificates, url):
    first = client.get(url)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    certificates["valid"].stars = 5
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200


def test_ocop_pages_link_to_the_feeds(client, certificates):
    page = client.get("/en/ocop").get_data(as_text=True)
    assert 'rel="alternate" type="application/feed+json"' in page
    assert 'type="application/atom+xml"' in page
    assert "Robusta coffee" in page and "Hidden" not in page
    five = client.get("/en/ocop?stars=5").get_data(as_text=True)
    assert "Robusta coffee" not in five
    verify = client.get("/en/ocop/verify/OCOP-VALID-4").get_data(as_text=True)
    assert "application/feed+json" in verify


# --- badge and verification page --------------------------------------------------------


def badge_svg(client, number, lang="en"):
    response = client.get(f"/ocop/badge/{number}.svg?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    return response, ET.fromstring(response.data)


def test_badge_is_an_accessible_cacheable_svg(client, certificates):
    response, root = badge_svg(client, "OCOP-VALID-4")
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert "OCOP 4 stars" in root.get("aria-label")
    assert root.find(f"{SVG}title").text == "OCOP 4 stars"
    text = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "★★★★" in text and "OCOP-VALID-4" in text
    expires = certificates["valid"].expires_on
    assert f"Valid until {expires.day} {expires:%b %Y}" in text  # "2 Dec 2026"
    assert "public" in response.headers["Cache-Control"] and response.headers["ETag"]
    assert (
        client.get(
            "/ocop/badge/OCOP-VALID-4.svg?lang=en",
            headers={"If-None-Match": response.headers["ETag"]},
        ).status_code
        == 304
    )


def test_badge_of_expired_or_revoked_certificate_looks_different(client, certificates):
    _response, valid = badge_svg(client, "OCOP-VALID-4")
    _response, expired = badge_svg(client, "OCOP-EXPIRED")
    _response, revoked = badge_svg(client, "OCOP-REVOKED")
    assert "EXPIRED" in expired.get("aria-label") and "ocop-badge-expired" in expired.get("class")
    assert "REVOKED" in revoked.get("aria-label") and "ocop-badge-revoked" in revoked.get("class")
    colours = {root.find(f"{SVG}rect[2]").get("fill") for root in (valid, expired, revoked)}
    assert len(colours) == 3


@pytest.mark.parametrize("number", ["OCOP-PENDING", "OCOP-REJECTED", "NO-SUCH-NUMBER"])
def test_badge_and_verify_page_are_404_for_unknown_or_unverified_numbers(
    client, certificates, number
):
    assert client.get(f"/ocop/badge/{number}.svg").status_code == 404
    assert client.get(f"/en/ocop/verify/{number}").status_code == 404


def test_verify_page_confirms_a_valid_certificate(client, certificates):
    page = client.get("/en/ocop/verify/OCOP-VALID-4").get_data(as_text=True)
    assert "Valid." in page
    assert "Robusta coffee" in page and "Ea Tu Coffee Co-op" in page
    assert "UBND tỉnh Đắk Lắk" in page and "★★★★" in page
    expires = certificates["valid"].expires_on
    assert f"{expires.day} {expires:%b %Y}" in page


def test_verify_page_says_expired_or_revoked(client, certificates):
    expired = client.get("/en/ocop/verify/OCOP-EXPIRED").get_data(as_text=True)
    assert "Expired." in expired and "Valid." not in expired
    revoked = client.get("/en/ocop/verify/OCOP-REVOKED").get_data(as_text=True)
    assert "Revoked." in revoked and "Valid." not in revoked


def test_certificate_numbers_with_slashes_work_in_urls(client, product):
    certificate(product, "15/2024/OCOP-DL")
    assert client.get("/en/ocop/verify/15/2024/OCOP-DL").status_code == 200
    assert client.get("/ocop/badge/15/2024/OCOP-DL.svg").status_code == 200


# --- product and shop pages -------------------------------------------------------------


def structured_data(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_product_page_carries_schema_org_product_with_valid_certification(
    client, product, certificates
):
    data = structured_data(client.get(f"/en/p/{product.slug}").get_data(as_text=True))
    assert data["@type"] == "Product" and data["name"] == "Robusta coffee"
    assert data["brand"] == {"@type": "Brand", "name": "Ea Tu Coffee Co-op"}
    assert data["offers"]["price"] == 150000 and data["offers"]["priceCurrency"] == "VND"
    assert data["hasCertification"]["certificationIdentification"] == "OCOP-VALID-4"
    assert data["hasCertification"]["certificationRating"]["ratingValue"] == 4
    expired_product = certificates["expired"].product
    expired = structured_data(client.get(f"/en/p/{expired_product.slug}").get_data(as_text=True))
    assert "hasCertification" not in expired


def test_structured_data_is_escaped_inside_its_script_block(client, product):
    product.name_en = "</script><script>alert(1)</script>"
    db.session.commit()
    html = client.get(f"/en/p/{product.slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert structured_data(html)["name"] == "</script><script>alert(1)</script>"


def test_shop_page_shows_badges_of_valid_certificates(client, shop, certificates):
    page = client.get(f"/en/s/{shop.slug}").get_data(as_text=True)
    assert "/ocop/badge/OCOP-VALID-4.svg" in page
    assert "OCOP-EXPIRED" not in page and "OCOP-HIDDEN-PRODUCT" not in page


def test_staff_screen_offers_an_embed_snippet_for_verified_certificates(
    client, shop, staff, certificates
):
    page = client.get(f"/en/manage/{shop.slug}/ocop").get_data(as_text=True)
    assert "&lt;img src=&#34;http://localhost/ocop/badge/OCOP-VALID-4.svg" in page


# --- reminders --------------------------------------------------------------------------


def test_staff_are_reminded_once_sixty_days_before_expiry(runner, outbox, shop, product):
    staff_of(shop, email="staff@example.com")
    staff_of(shop, email="staff2@example.com", locale="en")
    today = vietnam_today()
    certificate(product, "OCOP-SOON", expires_on=today + timedelta(days=45))
    certificate(ProductFactory(shop=shop), "OCOP-LATER", expires_on=today + timedelta(days=90))
    certificate(ProductFactory(shop=shop), "OCOP-PEND", status="pending", expires_on=today)

    result = runner.invoke(args=["ocop", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 reminder(s) sent." in result.output
    # Each staff member in their own language.
    vi_mail, en_mail = outbox()
    assert (vi_mail["To"], en_mail["To"]) == ("staff@example.com", "staff2@example.com")
    assert vi_mail["Subject"].startswith("Giấy chứng nhận OCOP OCOP-SOON")
    assert "/vi/ocop/verify/OCOP-SOON" in vi_mail.get_content()
    assert en_mail["Subject"].startswith("OCOP certificate OCOP-SOON expires on")
    assert "/en/ocop/verify/OCOP-SOON" in en_mail.get_content()

    again = runner.invoke(args=["ocop", "remind"])
    assert "0 reminder(s) sent." in again.output
    assert len(outbox()) == 2


def test_staff_are_mailed_each_decision_in_their_own_language(client, shop, product, admin, outbox):
    staff_of(shop, email="staff@example.com", locale="en")
    staff_of(shop, email="nhanvien@example.com", locale="vi")
    pending = certificate(product, "OCOP-66-2025-0042", status=CertificateStatus.PENDING)
    reason = "Số trên bản scan là 0043, không phải 0042."
    client.post(f"/en/admin/ocop/{pending.id}/reject", data={"reason": reason})
    second = certificate(product, "OCOP-66-2025-0043", status=CertificateStatus.PENDING)
    client.post(f"/en/admin/ocop/{second.id}/verify")
    client.post(f"/en/admin/ocop/{second.id}/revoke", data={"reason": "Withdrawn by the province."})

    mails = {(m["To"], str(m["Subject"])): m.get_content() for m in outbox()}
    assert set(mails) == {
        ("staff@example.com", "OCOP certificate OCOP-66-2025-0042 was not accepted"),
        ("nhanvien@example.com", "Giấy chứng nhận OCOP OCOP-66-2025-0042 chưa được chấp nhận"),
        (
            "staff@example.com",
            "OCOP certificate OCOP-66-2025-0043 is verified: Robusta coffee shows the badge",
        ),
        (
            "nhanvien@example.com",
            "Giấy chứng nhận OCOP OCOP-66-2025-0043 đã được xác minh: "
            "Cà phê Robusta được gắn huy hiệu",
        ),
        ("staff@example.com", "OCOP certificate OCOP-66-2025-0043 was revoked"),
        ("nhanvien@example.com", "Giấy chứng nhận OCOP OCOP-66-2025-0043 đã bị thu hồi"),
    }
    rejected = mails[("staff@example.com", "OCOP certificate OCOP-66-2025-0042 was not accepted")]
    assert reason in rejected and "Correct the certificate and send it again:" in rejected
    assert f"/en/manage/{shop.slug}/ocop" in rejected
    revoked = mails[
        ("nhanvien@example.com", "Giấy chứng nhận OCOP OCOP-66-2025-0043 đã bị thu hồi")
    ]
    assert "Withdrawn by the province." in revoked and f"/vi/manage/{shop.slug}/ocop" in revoked
