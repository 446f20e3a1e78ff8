from tests.factories import ProductFactory, ShopFactory, staff_of


def test_home_lists_new_products_in_both_languages(client):
    ProductFactory(name_vi="Nước mắm Phú Quốc", name_en="Phu Quoc fish sauce")
    assert "Nước mắm Phú Quốc" in client.get("/vi/").get_data(as_text=True)
    assert "Phu Quoc fish sauce" in client.get("/en/").get_data(as_text=True)


def test_staff_login_reaches_own_products(client, auth):
    shop = ShopFactory()
    staff_of(shop, email="staff@example.com")
    assert auth.login("staff@example.com").status_code == 302
    response = client.get(f"/vi/manage/{shop.slug}/products")
    assert response.status_code == 200


def test_favicon_is_served_as_svg(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data
