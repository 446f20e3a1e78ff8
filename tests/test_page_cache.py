"""Public pages are cached for strangers, but never show stale catalog data or shared tokens."""

import re

from app.extensions import db
from tests.factories import ProductFactory, UserFactory


def csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_catalog_change_shows_at_once_on_cached_pages(app, client):
    product = ProductFactory(slug="mat-ong", name_en="Wild honey")
    assert "Wild honey" in client.get("/en/p/mat-ong").get_data(as_text=True)
    assert "Wild honey" in client.get("/en/").get_data(as_text=True)
    product.name_en = "Mint honey"
    db.session.commit()
    assert "Mint honey" in client.get("/en/p/mat-ong").get_data(as_text=True)
    assert "Mint honey" in client.get("/en/").get_data(as_text=True)
    product.is_hidden = True
    db.session.commit()
    assert client.get("/en/p/mat-ong").status_code == 404


def test_each_visitor_gets_their_own_csrf_token(app):
    ProductFactory(slug="tra")
    first = app.test_client().get("/en/p/tra").get_data(as_text=True)
    second = app.test_client().get("/en/p/tra").get_data(as_text=True)
    assert csrf(first) != csrf(second)
    assert "__csrf_token_placeholder__" not in first + second


def test_a_visitors_token_is_stable_across_cached_pages(client):
    ProductFactory(slug="tra")
    assert csrf(client.get("/en/p/tra").get_data(as_text=True)) == csrf(
        client.get("/en/").get_data(as_text=True)
    )


def test_signed_in_pages_are_not_shared(client, auth):
    ProductFactory(slug="tra")
    client.get("/en/p/tra")  # cached for strangers
    UserFactory(email="buyer@example.com", name="Chị Mai")
    auth.login(lang="en")
    page = client.get("/en/p/tra").get_data(as_text=True)
    assert "Sign out" in page
    auth.logout(lang="en")
    assert "Sign out" not in client.get("/en/p/tra").get_data(as_text=True)


def test_flash_message_is_not_cached_for_others(app, client, auth):
    UserFactory(email="buyer@example.com")
    auth.login(lang="en")
    client.post("/en/logout")
    assert "You are signed out." in client.get("/en/").get_data(as_text=True)
    assert "You are signed out." not in app.test_client().get("/en/").get_data(as_text=True)


def test_a_returning_stranger_is_served_from_the_cache(client):
    import sqlalchemy as sa

    from app.models import Product

    product = ProductFactory(slug="ca-phe", name_en="Robusta")
    assert "Robusta" in client.get("/en/p/ca-phe").get_data(as_text=True)
    assert "Robusta" in client.get("/en/p/ca-phe").get_data(as_text=True)  # session now _fresh
    # A write that bypasses the ORM leaves the cache as it is: the page must come from it.
    db.session.execute(sa.update(Product).where(Product.id == product.id).values(name_en="Other"))
    db.session.commit()
    assert "Robusta" in client.get("/en/p/ca-phe").get_data(as_text=True)
