"""`flask demo seed`: a complete, bilingual demo marketplace that is safe to load again.

Seeding draws about a hundred pictures, so it runs once for this module, on a copy of the
migrated template, through the real command. The `template_db` override below hands that
seeded database to conftest's `app` fixture, and `demo_uploads` copies its pictures, so every
test still works on its own copy and the usual `app`, `client` and `runner` fixtures apply.
"""

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from app import create_app
from app.extensions import db
from app.models import (
    AuditEntry,
    LedgerTransaction,
    Lot,
    OcopCertificate,
    Order,
    Product,
    ProductImage,
    ProductStatus,
    Report,
    Review,
    Shop,
    ShopMember,
    ShopOrder,
    User,
)
from app.models.base import vietnam_today
from app.validators import is_phone, is_tax_code
from tests.conftest import _settings

DEMO_LOGINS = [
    ("buyer@chohtx.vn", "buyer"),
    ("staff@chohtx.vn", "staff"),
    ("staff2@chohtx.vn", "staff"),
    ("admin@chohtx.vn", "admin"),
    ("organiser@chohtx.vn", "organiser"),
    ("viewer@chohtx.vn", "viewer"),
    ("applicant@chohtx.vn", "staff"),  # of the cooperative they registered
]


@pytest.fixture(scope="module")
def template_db(template_db, tmp_path_factory):
    """conftest's migrated template with `flask demo seed` run once on it (uploads beside it)."""
    folder = tmp_path_factory.mktemp("demo")
    seeded = template_db.derive(folder, "demo")
    seed_app = create_app({**_settings(folder), "SQLALCHEMY_DATABASE_URI": seeded.url})
    with seed_app.app_context():
        result = seed_app.test_cli_runner().invoke(args=["demo", "seed"])
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    yield seeded
    seeded.drop(seeded.url)


@pytest.fixture(autouse=True)
def demo_uploads(app, template_db) -> Path:
    """The seeded pictures, copied into this test's upload folder."""
    target = Path(app.config["UPLOAD_DIR"])
    shutil.copytree(template_db.folder / "uploads", target, dirs_exist_ok=True)
    return target


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def public_products() -> list[Product]:
    return list(
        db.session.scalars(
            sa.select(Product).where(
                Product.status == ProductStatus.APPROVED, Product.is_hidden.is_(False)
            )
        )
    )


def test_seed_creates_featured_cooperatives_in_several_provinces():
    shops = list(db.session.scalars(sa.select(Shop).where(Shop.status == "active")))
    assert len(shops) >= 6
    assert len({shop.province_id for shop in shops}) >= 5
    assert sum(shop.is_featured for shop in shops) >= 6
    for shop in shops:
        assert shop.is_public
        assert shop.name_vi and shop.name_en and shop.description_vi and shop.description_en
        assert is_tax_code(shop.tax_code) and len(shop.tax_code) == 10
        assert is_phone(shop.phone)
        assert shop.commune and shop.address and shop.member_count and shop.founded_year
        assert shop.logo_key


def test_seed_creates_sixty_approved_bilingual_products_with_pictures():
    bilingual = [
        p
        for p in public_products()
        if p.name_vi and p.name_en and p.description_vi and p.description_en
    ]
    assert len(bilingual) >= 60
    for product in bilingual:
        assert 1 <= len(product.images) <= 2
        assert isinstance(product.price_vnd, int) and product.price_vnd >= 1000
        assert product.unit_vi and product.unit_en
        assert product.category is not None and product.category.parent is not None


def test_seed_shows_the_language_fallback_and_a_realistic_staff_dashboard():
    products = list(db.session.scalars(sa.select(Product)))
    assert any(p.name_vi and not p.name_en for p in products)
    assert any(p.name_en and not p.name_vi for p in products)
    assert any(p.status == ProductStatus.DRAFT for p in products)
    assert any(p.is_hidden for p in products)


def test_seed_creates_verified_ocop_certificates_with_their_printed_dates():
    certificates = list(db.session.scalars(sa.select(OcopCertificate)))
    assert len(certificates) >= 8
    for certificate in certificates:
        assert 3 <= certificate.stars <= 5
        assert certificate.status == "verified"
        assert certificate.product_group in (
            "food",
            "beverages",
            "herbal",
            "textiles",
            "souvenirs",
            "tourism",
        )
        issued, expires = certificate.issued_on, certificate.expires_on
        assert (expires.year - issued.year, expires.month, expires.day) == (
            3,
            issued.month,
            issued.day,
        )
    assert any(c.stars == 5 and c.issuer == "Bộ Nông nghiệp và Môi trường" for c in certificates)
    assert any(not c.is_valid_on(date(2026, 11, 23)) for c in certificates)  # one has expired


def test_demo_certificates_are_verified_by_the_demo_admin_through_the_ocop_service(client):
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@chohtx.vn"))
    certificates = list(db.session.scalars(sa.select(OcopCertificate)))
    assert len(certificates) == 12
    assert {c.verified_by_id for c in certificates} == {admin.id}
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.actor_id == admin.id)
    )
    assert list(actions).count("ocop.operator_verify") == 12
    feed = client.get("/ocop/feed.json").get_json()
    numbers = {item["_ocop"]["certificate_no"] for item in feed["items"]}
    assert "OCOP-08-2022-0057" not in numbers  # the expired one
    assert numbers == {
        c.certificate_no
        for c in certificates
        if c.is_valid_on(vietnam_today()) and c.product.is_public
    }


def test_demo_lots_have_processing_steps_and_public_pages(client):
    lots = list(db.session.scalars(sa.select(Lot)))
    assert len(lots) >= 2
    for lot in lots:
        assert len(lot.steps) >= 3
        page = client.get(f"/en/lot/{lot.code}")
        assert page.status_code == 200
        assert lot.steps[0].description_en in page.get_data(as_text=True)


@pytest.mark.parametrize(("email", "role"), DEMO_LOGINS)
def test_every_demo_login_works_with_the_demo_password(client, email, role):
    assert db.session.scalar(sa.select(User.role).where(User.email == email)) == role
    response = client.post("/vi/login", data={"email": email, "password": "demo1234"})
    assert response.status_code == 302


def test_demo_staff_work_for_two_different_cooperatives():
    def shops_of(email):
        return set(
            db.session.scalars(
                sa.select(Shop.slug).join(ShopMember).join(User).where(User.email == email)
            )
        )

    assert shops_of("staff@chohtx.vn") == {"htx-ca-phe-ea-tu"}
    assert len(shops_of("staff2@chohtx.vn")) == 1
    assert shops_of("staff2@chohtx.vn") != shops_of("staff@chohtx.vn")


def test_seeding_again_changes_nothing_and_prints_the_logins(runner, demo_uploads):
    models = (User, Shop, ShopMember, Product, ProductImage, OcopCertificate, Lot, AuditEntry)
    models += (Order, ShopOrder, Review, Report, LedgerTransaction)
    before = {model: count(model) for model in models}
    files_before = sorted(p.name for p in demo_uploads.rglob("*.webp"))

    result = runner.invoke(args=["demo", "seed"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert {model: count(model) for model in models} == before
    assert sorted(p.name for p in demo_uploads.rglob("*.webp")) == files_before
    assert "Demo logins (password demo1234)" in result.output
    for email, _role in DEMO_LOGINS:
        assert email in result.output


@pytest.mark.parametrize(("lang", "name"), [("vi", "name_vi"), ("en", "name_en")])
def test_home_page_lists_demo_products_in_its_language(client, lang, name):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    assert html.count('class="card product-card"') >= 6
    newest = db.session.scalars(
        sa.select(getattr(Product, name)).where(getattr(Product, name) != "")
    ).all()
    assert sum(product_name in html for product_name in newest) >= 6


def test_product_picture_on_the_home_page_is_served_as_webp(client):
    html = client.get("/vi/").get_data(as_text=True)
    src = re.search(r'class="card product-card">\s*<a [^>]*>\s*<img src="([^"]+)"', html).group(1)

    response = client.get(src)

    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert Image.open(io.BytesIO(response.data)).format == "WEBP"


def test_demo_has_one_published_fair_with_sections_and_two_exhibitors(client, runner):
    from app.models import ExhibitorStatus, Fair, FairStatus

    (fair,) = db.session.scalars(sa.select(Fair)).all()
    assert fair.status == FairStatus.PUBLISHED
    assert fair.organiser.email == "organiser@chohtx.vn"
    assert len(fair.sections) >= 3
    assert [e.status for e in fair.exhibitors] == [ExhibitorStatus.ACCEPTED] * 2
    assert all(e.featured for e in fair.exhibitors)
    html = client.get(f"/en/fairs/{fair.slug}").get_data(as_text=True)
    assert fair.name_en in html and 'name="fair"' in html

    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    assert count(Fair) == 1


def sign_in(client, email: str) -> None:
    response = client.post("/en/login", data={"email": email, "password": "demo1234"})
    assert response.status_code == 302


def test_demo_buyer_has_a_delivered_and_a_shipped_order(client):
    sign_in(client, "buyer@chohtx.vn")
    page = client.get("/en/orders").get_data(as_text=True)
    assert "CHX-2026-000001" in page and "CHX-2026-000002" in page
    statuses = set(db.session.scalars(sa.select(ShopOrder.status)))
    assert {"delivered", "shipped", "awaiting_confirmation"} <= statuses


def test_demo_staff_have_orders_to_handle(client):
    sign_in(client, "staff@chohtx.vn")
    page = client.get("/en/manage/htx-ca-phe-ea-tu/orders").get_data(as_text=True)
    assert "Delivered" in page
    assert "Shipped" in page
    client.post("/en/logout")
    sign_in(client, "staff2@chohtx.vn")
    page = client.get("/en/manage/htx-nuoc-mam-phu-quoc/orders").get_data(as_text=True)
    assert "Waiting for the cooperative&#39;s confirmation" in page  # cash on delivery: to pack


def test_demo_review_and_answer_show_on_the_product_page(client):
    review = db.session.scalar(sa.select(Review))
    assert review.rating == 5 and review.reply
    page = client.get(f"/vi/p/{review.product.slug}").get_data(as_text=True)
    assert "Cà phê thơm, rang vừa tới" in page
    assert "Cảm ơn chị Lan" in page
    assert "aggregateRating" in page


def test_demo_admin_has_a_cooperative_to_verify_and_a_report_to_read(client):
    sign_in(client, "admin@chohtx.vn")
    shops = client.get("/en/admin/shops?status=pending").get_data(as_text=True)
    assert "Phu Vinh Rattan and Bamboo Cooperative" in shops
    shop = db.session.scalar(sa.select(Shop).where(Shop.status == "pending"))
    assert len(shop.documents) == 1
    assert client.get(f"/en/admin/shops/{shop.id}").status_code == 200
    reports = client.get("/en/admin/reports").get_data(as_text=True)
    assert "bao bì cũ" in reports
