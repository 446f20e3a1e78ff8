"""Form errors speak the page's language, numbers written as that language writes them."""

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from wtforms import validators as wtf_validators

import app as app_package
from app.forms import Length, NumberRange, SiteForm, SubForm
from tests.test_staff_products import product_form

REGISTRATION = {"name": "An", "email": "an@example.com", "password": "longenough"}


@pytest.mark.parametrize(
    ("lang", "overrides", "message"),
    [
        ("vi", {"name": ""}, "Vui lòng điền mục này."),
        ("en", {"name": ""}, "This field is required."),
        ("vi", {"email": "not-an-email"}, "Địa chỉ email không hợp lệ."),
        ("en", {"email": "not-an-email"}, "Invalid email address."),
        ("vi", {"password": "short"}, "Nhập từ 8 đến 128 ký tự."),
        ("en", {"password": "short"}, "Enter between 8 and 128 characters."),
        ("vi", {"name": "A" * 121}, "Nhập tối đa 120 ký tự."),
        ("en", {"name": "A" * 121}, "Enter at most 120 characters."),
    ],
)
def test_registration_errors_are_in_the_page_language(client, lang, overrides, message):
    response = client.post(f"/{lang}/register", data={**REGISTRATION, **overrides})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    if lang == "vi":
        assert "This field is required." not in html and "characters" not in html


@pytest.mark.parametrize(
    ("lang", "overrides", "message"),
    [
        ("vi", {"price_vnd": "0"}, "Nhập một số từ 1 đến 10.000.000.000."),
        ("en", {"price_vnd": "0"}, "Enter a number from 1 to 10,000,000,000."),
        ("vi", {"stock": "-1"}, "Nhập một số từ 0 đến 10.000.000."),
        ("en", {"weight_g": "0"}, "Enter a number from 1 to 1,000,000."),
        ("vi", {"price_vnd": "12.5"}, "Vui lòng nhập một số nguyên."),
        ("en", {"price_vnd": "12.5"}, "Not a valid integer value."),
        ("vi", {"category_id": "99999"}, "Lựa chọn không hợp lệ."),
    ],
)
def test_product_form_numbers_are_formatted_for_the_page_language(
    client, shop, staff, lang, overrides, message
):
    response = client.post(
        f"/{lang}/manage/{shop.slug}/products/new", data=product_form(**overrides)
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "Number must be" not in html and "Invalid Choice" not in html


@pytest.mark.parametrize(
    ("lang", "message"),
    [("vi", "Nhập một số từ 1900 đến 20"), ("en", "Enter a number from 1900 to 20")],
)
def test_years_are_written_without_thousands_separators(client, shop, staff, lang, message):
    from tests.test_shops import profile

    response = client.post(f"/{lang}/manage/{shop.slug}/profile", data=profile(founded_year="1800"))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_checkout_left_empty_says_so_in_vietnamese(client, auth):
    from tests.factories import ProductFactory
    from tests.shopping import add_to_cart, buyer

    auth.login(buyer().email)
    add_to_cart(client, ProductFactory())
    response = client.post("/vi/checkout", data={"payment_method": "cod"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count("Vui lòng điền mục này.") >= 3  # name, phone, street address
    assert "This field is required." not in html


def all_form_classes() -> list[type]:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [FlaskForm, *SubForm.__mro__[1:2]]
    while todo:
        for subclass in todo.pop().__subclasses__():
            if subclass.__module__.startswith("app."):
                found.append(subclass)
            todo.append(subclass)
    return found


def test_every_form_of_the_site_speaks_the_page_language():
    forms = all_form_classes()
    assert len(forms) > 30
    for form in forms:
        assert issubclass(form, SiteForm | SubForm), form
        for name in dir(form):
            unbound = getattr(form, name)
            for validator in getattr(unbound, "kwargs", {}).get("validators") or []:
                if isinstance(validator, wtf_validators.Length):
                    assert isinstance(validator, Length), (form, name)
                if isinstance(validator, wtf_validators.NumberRange):
                    assert isinstance(validator, NumberRange), (form, name)
