"""Policies: bilingual versioned pages, 5 days' notice by mail in each user's language, and
sellers' acceptance of the operating rules (docs/compliance.md)."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import PolicyAcceptance, PolicyVersion
from app.policies import services
from app.unit_of_work import transaction
from tests.admin_data import text_of
from tests.factories import ShopFactory, UserFactory, staff_of

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 10:00 on 2 December in Vietnam


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen_at(NOW):
        yield


def new_version(**changes):
    data = {
        "title_vi": "Quy chế hoạt động (sửa đổi)",
        "title_en": "Operating rules (amended)",
        "body_vi": "# Mới\nNội dung mới.",
        "body_en": "# New\nNew text.",
        "summary_vi": "Thêm điều về thuế.",
        "summary_en": "Adds a clause on tax.",
        "effective_on": "2026-12-08",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("kind", ["operating-rules", "privacy", "returns", "terms"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_policy_page_shows_its_version_and_effective_date(client, kind, lang):
    response = client.get(f"/{lang}/policies/{kind}")
    assert response.status_code == 200
    page = text_of(response)
    assert ("Version 1, in force from" if lang == "en" else "Phiên bản 1, có hiệu lực từ") in page


def test_operating_rules_show_the_operator(client, app):
    page = text_of(client.get("/en/policies/operating-rules"))
    assert "Operator of the trading floor" in page
    assert app.config["FLOOR_REGISTRATION_NO"] in page and app.config["OPERATOR_TAX_CODE"] in page


def test_unknown_policy_is_404(client):
    assert client.get("/en/policies/cookies").status_code == 404


def test_admin_publishes_a_version_announced_to_every_user_in_their_language(client, auth, outbox):
    UserFactory(email="admin@example.com", role="admin", locale="en")
    UserFactory(email="lan@example.com", locale="vi")
    UserFactory(email="gone@example.com", erased_at=NOW)
    auth.login("admin@example.com", lang="en")
    response = client.post("/en/admin/policies/operating-rules/new", data=new_version())
    assert response.status_code == 302
    version = db.session.scalar(sa.select(PolicyVersion).where(PolicyVersion.version == 2))
    assert version.announced_at is not None
    assert version.effective_at == datetime(2026, 12, 7, 17, 0, tzinfo=UTC)  # 8 Dec in Vietnam
    mails = {m["To"]: m for m in outbox()}
    assert set(mails) == {"admin@example.com", "lan@example.com"}
    assert "takes effect on December 8, 2026" in mails["admin@example.com"]["Subject"]
    assert "Adds a clause on tax." in mails["admin@example.com"].get_content()
    assert "có hiệu lực từ" in mails["lan@example.com"]["Subject"]
    assert "Thêm điều về thuế." in mails["lan@example.com"].get_content()
    # ... and it stands in each one's notification list, in the language of the page.
    auth.login("lan@example.com", lang="vi")
    notes = text_of(client.get("/vi/notifications"))
    assert "Phiên bản 2 của" in notes and "08/12/2026" in notes
    auth.login("admin@example.com", lang="en")
    assert "takes effect on 8 Dec 2026" in text_of(client.get("/en/notifications"))
    # Until it takes effect the page shows version 1 and announces version 2.
    page = text_of(client.get("/en/policies/operating-rules"))
    assert "Version 1, in force" in page and "A new version takes effect on" in page
    with clock.frozen_at(datetime(2026, 12, 7, 17, 0, tzinfo=UTC)):
        page = text_of(client.get("/en/policies/operating-rules"))
        assert "Version 2, in force" in page and "New text." in page


def test_a_version_with_less_than_five_days_notice_is_refused(client, auth, outbox):
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    response = client.post(
        "/en/admin/policies/privacy/new", data=new_version(effective_on="2026-12-06")
    )
    assert response.status_code == 400
    assert "at least 5 days before it takes effect" in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count(PolicyVersion.id))) == 4
    assert outbox() == []


def test_the_earliest_date_leaves_five_full_days(app):
    # 10:00 on 2 December: 5 days later is 10:00 on the 7th, so the 8th is the first day.
    assert services.earliest_effective_date() == date(2026, 12, 8)


def test_only_admins_edit_policies(client, auth):
    UserFactory(email="buyer@example.com")
    auth.login("buyer@example.com", lang="en")
    assert client.get("/en/admin/policies").status_code == 403
    assert client.post("/en/admin/policies/terms/new", data=new_version()).status_code == 403


def test_announce_command_sends_what_was_not_announced_and_keeps_the_notice(app, runner, outbox):
    UserFactory(email="lan@example.com")
    with transaction():
        version = PolicyVersion(
            kind="terms",
            version=2,
            title_vi="Điều khoản",
            title_en="Terms",
            body_vi="a",
            body_en="b",
            effective_at=datetime(2026, 12, 4, tzinfo=UTC),  # too soon once announced
        )
        db.session.add(version)
    result = runner.invoke(args=["policies", "announce"])
    assert result.exit_code == 0, result.output
    assert [m["To"] for m in outbox()] == ["lan@example.com"]
    db.session.expire_all()
    version = db.session.get(PolicyVersion, version.id)
    assert version.announced_at is not None
    assert (version.effective_at - NOW).days >= 5
    assert "Nothing to announce" in runner.invoke(args=["policies", "announce"]).output
    assert len(outbox()) == 1


def test_seller_accepts_the_rules_again_when_a_new_version_takes_effect(client, auth, app):
    shop = ShopFactory(slug="htx-ea-tu")
    staff = staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com", lang="en")
    page = text_of(client.get("/en/manage/htx-ea-tu/products"))
    assert "Version 1 of the operating rules is in force" in page
    assert client.post("/en/manage/htx-ea-tu/operating-rules/accept").status_code == 302
    assert "of the operating rules is in force" not in text_of(
        client.get("/en/manage/htx-ea-tu/products")
    )
    admin = UserFactory(role="admin")
    with transaction():
        services.publish_version(admin, "operating-rules", new_version(), date(2026, 12, 8))
    with clock.frozen_at(datetime(2026, 12, 8, tzinfo=UTC)):
        page = text_of(client.get("/en/manage/htx-ea-tu/products"))
        assert "Version 2 of the operating rules is in force" in page
        client.post("/en/manage/htx-ea-tu/operating-rules/accept")
    accepted = db.session.scalars(
        sa.select(PolicyAcceptance).where(PolicyAcceptance.user_id == staff.id)
    ).all()
    assert sorted(a.policy_version.version for a in accepted) == [1, 2]
    assert {a.way for a in accepted} == {"staff_page"}


def test_staff_of_another_shop_cannot_accept_for_it(client, auth):
    ShopFactory(slug="htx-ea-tu")
    staff_of(ShopFactory(slug="htx-khac"), email="other@example.com")
    auth.login("other@example.com", lang="en")
    assert client.post("/en/manage/htx-ea-tu/operating-rules/accept").status_code == 403
    assert db.session.scalar(sa.select(PolicyAcceptance)) is None
