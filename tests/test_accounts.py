import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User
from tests.factories import UserFactory


def test_register_creates_buyer_and_signs_in(client):
    response = client.post(
        "/en/register",
        data={
            "name": "Lan Nguyễn",
            "email": "Lan@Example.com",
            "password": "rice-field-9",
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "lan@example.com"))
    assert user.role == "buyer" and user.locale == "en"
    assert "Lan Nguyễn" in client.get("/en/account").get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "email", "password", "message"),
    [
        ("", "a@example.com", "longenough", "This field is required."),
        ("An", "not-an-email", "longenough", "Invalid email address."),
        ("An", "a@example.com", "short", "Enter between 8 and 128 characters."),
    ],
)
def test_register_rejects_bad_input(client, name, email, password, message):
    response = client.post(
        "/en/register", data={"name": name, "email": email, "password": password}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_register_refuses_taken_email(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        "/en/register",
        data={
            "name": "B",
            "email": "taken@example.com",
            "password": "longenough",
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_login_wrong_password_says_so(client, auth):
    UserFactory(email="buyer@example.com")
    response = auth.login("buyer@example.com", "wrong-password", lang="en")
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_login_and_logout(client, auth):
    UserFactory(email="buyer@example.com", name="Minh")
    assert auth.login().status_code == 302
    assert "Sign out" in client.get("/en/").get_data(as_text=True)
    auth.logout()
    assert client.get("/en/account").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(client, target):
    UserFactory(email="buyer@example.com")
    response = client.post(
        f"/en/login?next={target}", data={"email": "buyer@example.com", "password": "password123"}
    )
    assert response.headers["Location"] == "/en/"


def test_login_follows_local_next(client):
    UserFactory(email="buyer@example.com")
    response = client.post(
        "/en/login?next=/en/account", data={"email": "buyer@example.com", "password": "password123"}
    )
    assert response.headers["Location"] == "/en/account"


def test_deactivated_user_cannot_log_in(client, auth):
    UserFactory(email="buyer@example.com", is_active_account=False)
    assert auth.login().status_code == 401


def test_profile_update(client, auth):
    user = UserFactory(email="buyer@example.com")
    auth.login()
    response = client.post("/en/account", data={"name": "Hoa", "locale": "en"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).name == "Hoa"


def test_password_change_requires_current_password(client, auth):
    user = UserFactory(email="buyer@example.com")
    auth.login()
    bad = client.post(
        "/en/account/password",
        data={"current_password": "nope", "new_password": "newpass123", "confirm": "newpass123"},
    )
    assert bad.status_code == 400 and "current password is wrong" in bad.get_data(as_text=True)
    good = client.post(
        "/en/account/password",
        data={
            "current_password": "password123",
            "new_password": "newpass123",
            "confirm": "newpass123",
        },
    )
    assert good.status_code == 302
    assert db.session.get(User, user.id).check_password("newpass123")


def test_password_reset_by_email_link(client, outbox):
    user = UserFactory(email="buyer@example.com", locale="vi")
    response = client.post("/en/reset-password", data={"email": "buyer@example.com"})
    assert response.status_code == 302
    [mail] = outbox()
    assert mail["To"] == "buyer@example.com"
    link = re.search(r"http://localhost(/en/reset-password/\S+)", mail.get_content()).group(1)
    assert client.get(link).status_code == 200
    done = client.post(link, data={"new_password": "brand-new-1", "confirm": "brand-new-1"})
    assert done.status_code == 302
    assert db.session.get(User, user.id).check_password("brand-new-1")
    # The link works once: the password it was made for has changed.
    again = client.get(link)
    assert again.status_code == 302 and "/reset-password" in again.headers["Location"]


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client, outbox):
    response = client.post(
        "/en/reset-password", data={"email": "nobody@example.com"}, follow_redirects=True
    )
    assert "If an account uses that email" in response.get_data(as_text=True)
    assert outbox() == []


def test_cli_creates_user_with_role_and_shop(runner):
    from tests.factories import ShopFactory

    shop = ShopFactory(slug="htx-ea-tu")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "s@example.com",
            "--password",
            "longenough",
            "--role",
            "staff",
            "--shop",
            "htx-ea-tu",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "s@example.com"))
    assert user.role == "staff" and user.shops == [shop]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x@example.com", "--password", "short"], "at least 8 characters"),
        (
            ["x@example.com", "--password", "longenough", "--shop", "nope"],
            "no shop with slug 'nope'",
        ),
        (
            ["x@example.com", "--password", "longenough", "--role", "king"],
            "Invalid value for '--role'",
        ),
    ],
)
def test_cli_user_create_rejects_bad_input(runner, args, message):
    result = runner.invoke(args=["users", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
