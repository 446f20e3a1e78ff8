"""Test data that reads like the domain: cooperatives, staff, products."""

import io

import factory
import sqlalchemy as sa
from PIL import Image
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Product, ProductImage, ProductStatus, Province, Shop, ShopMember, User
from app.models.base import utcnow

PASSWORD_HASH = generate_password_hash("password123")  # hashed once: scrypt is slow on purpose


def province(slug: str = "dak-lak") -> Province:
    return db.session.scalar(sa.select(Province).where(Province.slug == slug))


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"Người dùng {n}")
    role = "buyer"
    locale = "vi"
    password_hash = PASSWORD_HASH


class ShopFactory(BaseFactory):
    class Meta:
        model = Shop

    slug = factory.Sequence(lambda n: f"htx-{n}")
    name_vi = factory.Sequence(lambda n: f"Hợp tác xã số {n}")
    name_en = factory.Sequence(lambda n: f"Cooperative no. {n}")
    province = factory.LazyFunction(province)
    status = "active"
    verified_at = factory.LazyFunction(utcnow)  # like operator-created shops


class ProductFactory(BaseFactory):
    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    slug = factory.Sequence(lambda n: f"san-pham-{n}")
    name_vi = factory.Sequence(lambda n: f"Sản phẩm {n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")
    description_vi = "Mô tả sản phẩm."
    description_en = "Product description."
    price_vnd = 150000
    stock = 10
    unit_vi = "gói"
    unit_en = "pack"
    status = ProductStatus.APPROVED


def staff_of(shop: Shop, email: str | None = None, **kwargs) -> User:
    user = UserFactory(role="staff", **({"email": email} if email else {}), **kwargs)
    db.session.add(ShopMember(shop=shop, user=user))
    db.session.commit()
    return user


def image_bytes(fmt: str = "JPEG", size=(640, 480), color=(180, 120, 60), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def add_image(product: Product, position: int = 0, **image) -> ProductImage:
    """A picture of the product through the real image pipeline (stored, measured), as staff
    upload it; `image` are image_bytes' arguments (size, color). The caller commits."""
    from app.media import store_image

    stored = store_image(image_bytes(**image))
    row = ProductImage(
        product=product,
        key=stored.key,
        position=position,
        width=stored.width,
        height=stored.height,
    )
    db.session.add(row)
    return row
