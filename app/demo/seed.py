"""Load the demo marketplace, idempotently: what exists already is left as it is.

`make run` seeds on every start, so a second run must be quick and must not undo what a
demo user changed: users are keyed by email, shops by slug, products by (shop, sku) and
certificates by number, lots by code, and only the missing ones are created (and get pictures).
"""

from dataclasses import dataclass, field
from itertools import chain, zip_longest

import sqlalchemy as sa
from flask import current_app

from app.accounts.services import create_user, find_user_by_email
from app.catalog.services import category_by_slug, product_by_sku, unique_product_slug
from app.demo import data, images
from app.demo.activity import ensure_demo_activity
from app.demo.fair import ensure_demo_fair
from app.extensions import db
from app.mail import public_base_url
from app.media import StoredImage, delete_image, store_image
from app.models import Category, Lot, OcopCertificate, Product, ProductImage, Role, Shop, User
from app.ocop.services import CertificateInput, record_verified_certificate
from app.shops.services import add_staff, create_shop, find_province, shop_by_slug
from app.text import fold
from app.trace.services import LotInput, StepInput, add_lot


@dataclass
class SeedReport:
    users: int = 0
    shops: int = 0
    products: int = 0
    certificates: int = 0
    fairs: int = 0
    lots: int = 0
    orders: int = 0
    stored_keys: list[str] = field(default_factory=list)

    @property
    def images(self) -> int:
        return len(self.stored_keys)


def seed_demo() -> SeedReport:
    """Create whatever part of the demo marketplace is missing and return what was created."""
    report = SeedReport()
    users = {user.email: _ensure_user(user, report) for user in data.USERS}
    shops = {shop.slug: _ensure_shop(shop, report) for shop in data.SHOPS}
    for user in data.USERS:
        if user.shop:
            add_staff(shops[user.shop], users[user.email])
    try:
        _fill_shops(shops, report)
        _add_products(shops, report)
        admin = next(users[user.email] for user in data.USERS if user.role == Role.ADMIN)
        _add_certificates(shops, admin, report)
        organiser = next(users[user.email] for user in data.USERS if user.role == Role.ORGANISER)
        report.fairs = ensure_demo_fair(organiser, shops)
        _add_payout_accounts(shops)
        _add_lots(shops, report)
        db.session.flush()
    except BaseException:
        for key in report.stored_keys:  # the rows that named them will never be committed
            delete_image(key)
        raise
    with current_app.test_request_context(base_url=public_base_url()):  # links in their mail
        report.orders = ensure_demo_activity(users, shops)  # through the shop's own services
    return report


DEMO_BANK_BINS = ("970436", "970405", "970418", "970415", "970422", "970407")  # VCB, Agribank, ...


def _add_payout_accounts(shops: dict[str, Shop]) -> None:
    """Bank details for payouts (demo numbers), where a shop has none yet."""
    for n, shop in enumerate(shops.values()):
        if shop.payout_bank_bin is None:
            shop.payout_bank_bin = DEMO_BANK_BINS[n % len(DEMO_BANK_BINS)]
            shop.payout_account_no = (
                f"1{(shop.tax_code or str(shop.id)).replace('-', '')[:12]:0>12}"
            )
            shop.payout_account_holder = fold(shop.name_vi).upper()


def _ensure_user(demo: data.DemoUser, report: SeedReport) -> User:
    user = find_user_by_email(demo.email)
    if user is None:
        user = create_user(demo.email, data.PASSWORD, demo.name, role=demo.role)
        report.users += 1
    return user


def _ensure_shop(demo: data.DemoShop, report: SeedReport) -> Shop:
    shop = shop_by_slug(demo.slug)
    if shop is None:
        province = find_province(demo.province)
        if province is None:
            raise LookupError(f"demo data names an unknown province {demo.province!r}")
        shop = create_shop(demo.slug, demo.vi[0], province, tax_code=demo.tax_code)
        report.shops += 1
    return shop


def _fill_shops(shops: dict[str, Shop], report: SeedReport) -> None:
    """Profile and logo for shops the seed has not finished: the logo is set last, so a shop
    without one was created by a run that stopped before its commit."""
    main_category = {slug: products[0].category for slug, products in data.PRODUCTS.items()}
    for demo in data.SHOPS:
        shop = shops[demo.slug]
        if shop.logo_key:
            continue
        shop.name_vi, shop.description_vi = demo.vi
        shop.name_en, shop.description_en = demo.en
        # The seller block shows the registered name: "HTX" spelled out, as on the certificate.
        shop.legal_name = demo.vi[0].replace("HTX ", "Hợp tác xã ", 1)
        shop.commune = demo.commune
        shop.address = demo.address
        shop.phone = demo.phone
        shop.member_count = demo.member_count
        shop.founded_year = demo.founded_year
        shop.is_featured = demo.featured
        shop.logo_key = _store(images.shop_logo(demo.logo, main_category[demo.slug]), report).key


def _add_products(shops: dict[str, Shop], report: SeedReport) -> None:
    # Interleave the shops, flagships last, so that "new products" on the home page shows
    # each cooperative's best-known product first.
    per_shop = [[(slug, product) for product in ps] for slug, ps in data.PRODUCTS.items()]
    interleaved = [row for row in chain.from_iterable(zip_longest(*per_shop)) if row]
    categories: dict[str, Category] = {}
    for slug, demo in reversed(interleaved):
        shop = shops[slug]
        existing = product_by_sku(shop, demo.sku)
        if existing is not None:
            # A demo database from before bilingual units gets its English units.
            if not existing.unit_en and existing.unit_vi == demo.unit[0]:
                existing.unit_en = demo.unit[1]
            continue
        if demo.category not in categories:
            categories[demo.category] = _category(demo.category)
        product = Product(
            shop=shop,
            sku=demo.sku,
            slug=unique_product_slug(demo.vi[0] or demo.en[0]),
            name_vi=demo.vi[0],
            description_vi=demo.vi[1],
            name_en=demo.en[0],
            description_en=demo.en[1],
            category=categories[demo.category],
            price_vnd=demo.price_vnd,
            stock=demo.stock,
            unit_vi=demo.unit[0],
            unit_en=demo.unit[1],
            weight_g=demo.weight_g,
            status=demo.status,
            is_hidden=demo.hidden,
        )
        title = demo.vi[0] or demo.en[0]
        for position in range(demo.images):
            picture = images.product_picture(title, demo.category, demo.unit[0], variant=position)
            stored = _store(picture, report)
            product.images.append(
                ProductImage(
                    key=stored.key, position=position, width=stored.width, height=stored.height
                )
            )
        db.session.add(product)
        report.products += 1


def _add_certificates(shops: dict[str, Shop], admin: User, report: SeedReport) -> None:
    for demo in data.CERTIFICATES:
        exists = db.session.scalar(
            sa.select(OcopCertificate.id).where(
                OcopCertificate.certificate_no == demo.certificate_no
            )
        )
        if exists is not None:
            continue
        product = product_by_sku(shops[demo.shop], demo.sku)
        if product is None:
            raise LookupError(f"demo certificate {demo.certificate_no} names no demo product")
        record_verified_certificate(
            product,
            CertificateInput(
                product_id=product.id,
                certificate_no=demo.certificate_no,
                stars=demo.stars,
                issuer=demo.issuer,
                issued_on=demo.issued_on,
                expires_on=demo.expires_on,
                product_group=demo.product_group,
            ),
            verified_by=admin,
        )
        report.certificates += 1


def _add_lots(shops: dict[str, Shop], report: SeedReport) -> None:
    for demo in data.LOTS:
        if db.session.scalar(sa.select(Lot.id).where(Lot.code == demo.code)) is not None:
            continue
        product = product_by_sku(shops[demo.shop], demo.sku)
        if product is None:
            raise LookupError(f"demo lot {demo.code} names no demo product")
        add_lot(
            product,
            LotInput(
                product_id=product.id,
                code=demo.code,
                produced_on=demo.produced_on,
                province_id=find_province(demo.province).id,
                commune=demo.commune,
                area_code=demo.area_code,
                inputs_vi=demo.inputs[0],
                inputs_en=demo.inputs[1],
                quantity=demo.quantity,
                certifications=list(demo.certifications),
                steps=[StepInput(day, vi, en) for day, vi, en in demo.steps],
            ),
        )
        report.lots += 1


def _category(slug: str) -> Category:
    category = category_by_slug(slug)
    if category is None:
        raise LookupError(f"demo data names an unknown category {slug!r}")
    return category


def _store(picture: bytes, report: SeedReport) -> StoredImage:
    stored = store_image(picture)
    report.stored_keys.append(stored.key)
    return stored
