"""Trade fair showcase pages: organisers build them, staff answer invitations, buyers buy."""

import io
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app import clock
from app.extensions import db
from app.fairs import services
from app.models import (
    ExhibitorStatus,
    Fair,
    FairExhibitor,
    FairFeaturedProduct,
    FairSection,
    FairStatus,
    OrderLine,
    ProductStatus,
    ScheduleEvent,
    SectionKind,
    ShopOrderStatus,
)
from tests.factories import (
    ProductFactory,
    ShopFactory,
    UserFactory,
    image_bytes,
    province,
    staff_of,
)
from tests.shopping import add_to_cart, buyer, checkout, order_number_from, placed_order

FAIR_FORM = {
    "name_vi": "Hội chợ OCOP Đắk Lắk",
    "name_en": "Dak Lak OCOP Fair",
    "theme_vi": "Cà phê và mật ong",
    "theme_en": "Coffee and honey",
    "description_vi": "Năm ngày của sản phẩm OCOP.",
    "description_en": "Five days of OCOP products.",
    "starts_on": "2026-12-10",
    "ends_on": "2026-12-14",
    "province_id": "0",
    "address": "Quảng trường 10/3",
    "map_url": "https://www.openstreetmap.org/",
    "slug": "",
}


def organiser(email="organiser@example.com"):
    return UserFactory(email=email, role="organiser")


def make_fair(owner, slug="hoi-cho-dak-lak", status=FairStatus.PUBLISHED, **kwargs) -> Fair:
    fair = Fair(
        slug=slug,
        organiser=owner,
        name_vi=kwargs.pop("name_vi", "Hội chợ Đắk Lắk"),
        name_en=kwargs.pop("name_en", "Dak Lak Fair"),
        starts_on=kwargs.pop("starts_on", date(2026, 12, 10)),
        ends_on=kwargs.pop("ends_on", date(2026, 12, 14)),
        status=status,
        **kwargs,
    )
    fair.sections.append(
        FairSection(kind=SectionKind.PRODUCTS, position=1, title_en="Featured products")
    )
    db.session.add(fair)
    db.session.commit()
    return fair


def exhibit(fair, shop, status=ExhibitorStatus.ACCEPTED, products=()) -> FairExhibitor:
    exhibitor = FairExhibitor(fair=fair, shop=shop, status=status)
    for position, product in enumerate(products, start=1):
        exhibitor.featured.append(FairFeaturedProduct(product=product, position=position))
    db.session.add(exhibitor)
    db.session.commit()
    return exhibitor


# --- organisers -------------------------------------------------------------------------------


def test_organiser_creates_a_draft_fair_with_cover(client, auth):
    organiser()
    auth.login("organiser@example.com", lang="en")
    response = client.post(
        "/en/organise/fairs/new",
        data={**FAIR_FORM, "cover": (io.BytesIO(image_bytes()), "cover.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    fair = db.session.scalar(sa.select(Fair))
    assert (fair.slug, fair.status, fair.name_en) == (
        "hoi-cho-ocop-dak-lak",
        "draft",
        "Dak Lak OCOP Fair",
    )
    assert fair.cover_key
    assert response.headers["Location"].endswith("/en/organise/fairs/hoi-cho-ocop-dak-lak/sections")


def test_fair_that_ends_before_it_starts_is_refused(client, auth):
    organiser()
    auth.login("organiser@example.com", lang="en")
    response = client.post("/en/organise/fairs/new", data={**FAIR_FORM, "ends_on": "2026-12-01"})
    assert response.status_code == 400
    assert "The fair cannot end before it starts." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Fair.id))) == 0


def test_buyer_and_staff_cannot_reach_the_organiser_pages(client, auth):
    UserFactory(email="buyer@example.com")
    auth.login(lang="en")
    assert client.get("/en/organise/fairs").status_code == 403
    assert client.post("/en/organise/fairs/new", data=FAIR_FORM).status_code == 403


def test_organiser_can_only_edit_their_own_fairs(client, auth):
    mine = make_fair(organiser(), slug="mine")
    theirs = make_fair(organiser("other@example.com"), slug="theirs")
    auth.login("organiser@example.com", lang="en")
    assert client.get("/en/organise/fairs/mine/edit").status_code == 200
    assert client.get("/en/organise/fairs/theirs/edit").status_code == 403
    response = client.post(
        "/en/organise/fairs/theirs/edit",
        data={**FAIR_FORM, "slug": "theirs", "name_en": "Hijacked"},
    )
    assert response.status_code == 403
    assert (
        client.post("/en/organise/fairs/theirs/sections", data={"kind": "text"}).status_code == 403
    )
    assert (
        client.post("/en/organise/fairs/theirs/status", data={"decision": "archived"}).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(Fair, theirs.id).name_en == "Dak Lak Fair"
    assert db.session.get(Fair, theirs.id).status == FairStatus.PUBLISHED
    listed = client.get("/en/organise/fairs").get_data(as_text=True)
    assert "/organise/fairs/mine/" in listed and "/organise/fairs/theirs/" not in listed
    assert db.session.get(Fair, mine.id).status == FairStatus.PUBLISHED


def test_admin_may_edit_any_fair(client, auth):
    make_fair(organiser(), slug="theirs")
    UserFactory(email="admin@example.com", role="admin")
    auth.login("admin@example.com", lang="en")
    assert client.get("/en/organise/fairs/theirs/edit").status_code == 200


def test_sections_are_added_edited_reordered_and_removed(client, auth):
    fair = make_fair(organiser(), status=FairStatus.DRAFT)
    auth.login("organiser@example.com", lang="en")
    for kind in ("text", "schedule"):
        assert (
            client.post(f"/en/organise/fairs/{fair.slug}/sections", data={"kind": kind}).status_code
            == 302
        )
    db.session.expire_all()
    kinds = [s.kind for s in db.session.get(Fair, fair.id).sections]
    assert kinds == ["products", "text", "schedule"]
    text = db.session.get(Fair, fair.id).sections[1]
    client.post(f"/en/organise/fairs/{fair.slug}/sections/{text.id}/move", data={"decision": "up"})
    db.session.expire_all()
    assert [s.kind for s in db.session.get(Fair, fair.id).sections] == [
        "text",
        "products",
        "schedule",
    ]
    response = client.post(
        f"/en/organise/fairs/{fair.slug}/sections/{text.id}",
        data={
            "title_vi": "Giới thiệu",
            "title_en": "About",
            "body_vi": "<p>Xin chào</p>",
            "body_en": "<p>Hello</p>",
        },
    )
    assert response.status_code == 302
    client.post(f"/en/organise/fairs/{fair.slug}/sections/{text.id}/delete")
    db.session.expire_all()
    assert [s.kind for s in db.session.get(Fair, fair.id).sections] == ["products", "schedule"]


def test_sanitised_rich_text_drops_scripts(client, auth):
    fair = make_fair(organiser())
    section = FairSection(fair=fair, kind=SectionKind.TEXT, position=2)
    db.session.add(section)
    db.session.commit()
    auth.login("organiser@example.com", lang="en")
    client.post(
        f"/en/organise/fairs/{fair.slug}/sections/{section.id}",
        data={
            "title_en": "About",
            "body_en": '<p onclick="steal()">Welcome <strong>all</strong></p>'
            '<script>alert("x")</script><a href="javascript:alert(1)">bad</a>'
            '<a href="https://example.org/">good</a>',
        },
    )
    db.session.expire_all()
    body = db.session.get(FairSection, section.id).body_en
    assert "<script" not in body and "alert" not in body and "onclick" not in body
    assert "<strong>all</strong>" in body and 'href="https://example.org/"' in body
    auth.logout(lang="en")
    page = client.get(f"/en/fairs/{fair.slug}").get_data(as_text=True)
    assert "Welcome <strong>all</strong>" in page
    assert 'alert("x")' not in page


def test_publishing_needs_a_section(client, auth):
    fair = make_fair(organiser(), status=FairStatus.DRAFT)
    fair.sections.clear()
    db.session.commit()
    auth.login("organiser@example.com", lang="en")
    response = client.post(
        f"/en/organise/fairs/{fair.slug}/status",
        data={"decision": "published"},
        follow_redirects=True,
    )
    assert "Add at least one section before publishing." in response.get_data(as_text=True)
    assert db.session.get(Fair, fair.id).status == FairStatus.DRAFT


# --- public pages -----------------------------------------------------------------------------


def test_unpublished_fairs_are_404_to_the_public_and_previewable_by_their_organiser(client, auth):
    fair = make_fair(organiser(), status=FairStatus.DRAFT)
    assert client.get(f"/en/fairs/{fair.slug}").status_code == 404
    assert client.get(f"/en/fairs/{fair.slug}/schedule.ics").status_code == 404
    assert fair.name_en not in client.get("/en/fairs").get_data(as_text=True)
    organiser("other@example.com")
    auth.login("other@example.com", lang="en")
    assert client.get(f"/en/fairs/{fair.slug}").status_code == 404
    auth.logout(lang="en")
    auth.login("organiser@example.com", lang="en")
    preview = client.get(f"/en/fairs/{fair.slug}")
    assert preview.status_code == 200
    assert "Preview: this fair is a draft" in preview.get_data(as_text=True)


def test_fair_list_groups_current_upcoming_and_past(client):
    owner = organiser()
    make_fair(
        owner,
        slug="past",
        name_en="Autumn Fair",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 9, 3),
    )
    make_fair(
        owner,
        slug="now",
        name_en="Winter Fair",
        starts_on=date(2026, 11, 28),
        ends_on=date(2026, 12, 2),
    )
    make_fair(owner, slug="closed", name_en="Closed Fair", status=FairStatus.ARCHIVED)
    make_fair(
        owner,
        slug="soon",
        name_en="Tet Fair",
        starts_on=date(2027, 1, 20),
        ends_on=date(2027, 1, 25),
    )
    listing = services.public_fairs(today=date(2026, 11, 30))
    assert [f.slug for f in listing.current] == ["now"]
    assert [f.slug for f in listing.upcoming] == ["soon"]
    assert [f.slug for f in listing.past] == ["closed", "past"]  # archived counts as past
    with clock.frozen_at(datetime(2026, 11, 30, 5, 0, tzinfo=UTC)):  # the page's "today" too
        page = client.get("/en/fairs").get_data(as_text=True)
    assert (
        page.index("On now")
        < page.index("Winter Fair")
        < page.index("Upcoming")
        < page.index("Tet Fair")
        < page.index("Past fairs")
        < page.index("Autumn Fair")
    )


def test_fair_page_shows_sections_and_open_graph_tags(client):
    fair = make_fair(organiser(), description_en="Coffee and honey from the highlands.")
    coffee = ProductFactory(name_en="Robusta coffee")
    exhibit(fair, coffee.shop, products=[coffee])
    html = client.get(f"/en/fairs/{fair.slug}").get_data(as_text=True)
    assert '<meta property="og:title" content="Dak Lak Fair">' in html
    assert '<meta property="og:description" content="Coffee and honey from the highlands.">' in html
    assert f'property="og:url" content="http://localhost/en/fairs/{fair.slug}"' in html
    assert "Robusta coffee" in html
    assert f'name="fair" value="{fair.slug}"' in html


def test_exhibitor_directory_filters_by_province_and_ocop(client):
    fair = make_fair(organiser())
    fair.sections.append(
        FairSection(kind=SectionKind.EXHIBITORS, position=2, title_en="Exhibitors")
    )
    lak = ShopFactory(name_en="Lak Coffee Cooperative")
    hanoi = ShopFactory(name_en="Ha Noi Silk Cooperative", province=province("ha-noi"))
    exhibit(fair, lak)
    exhibit(fair, hanoi)
    html = client.get(f"/en/fairs/{fair.slug}?province=ha-noi").get_data(as_text=True)
    directory = html[html.index("exhibitor-list") :]
    assert "Ha Noi Silk Cooperative" in directory and "Lak Coffee Cooperative" not in directory
    html = client.get(f"/en/fairs/{fair.slug}?ocop=1").get_data(as_text=True)
    assert "No exhibitors match." in html


def test_ics_schedule_parses_back_with_icalendar(client):
    fair = make_fair(organiser(), address="Quảng trường 10/3")
    db.session.add_all(
        [
            ScheduleEvent(
                fair=fair,
                starts_at=datetime.fromisoformat("2026-12-10T01:30:00+00:00"),
                ends_at=datetime.fromisoformat("2026-12-10T03:00:00+00:00"),
                title_vi="Khai mạc",
                title_en="Opening ceremony",
                place="Main stage",
                speaker="Phạm Quốc Hùng",
            ),
            ScheduleEvent(
                fair=fair,
                starts_at=datetime.fromisoformat("2026-12-11T07:00:00+00:00"),
                title_vi="Hội thảo",
                title_en="Workshop",
            ),
        ]
    )
    db.session.commit()
    response = client.get(f"/en/fairs/{fair.slug}/schedule.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Opening ceremony", "Workshop"]
    assert events[0].decoded("DTSTART") == datetime.fromisoformat("2026-12-10T01:30:00+00:00")
    assert str(events[0]["LOCATION"]) == "Main stage, Quảng trường 10/3"
    assert len({str(e["UID"]) for e in events}) == 2
    vi = Calendar.from_ical(client.get(f"/vi/fairs/{fair.slug}/schedule.ics").data)
    assert str(vi.walk("VEVENT")[0]["SUMMARY"]) == "Khai mạc"


def test_published_page_is_cached_and_shows_edits_at_once(app):
    fair = make_fair(organiser())
    exhibitor = exhibit(fair, ShopFactory(name_en="Ea Tu Cooperative"))
    url = f"/en/fairs/{fair.slug}"
    section = FairSection(fair=fair, kind=SectionKind.EXHIBITORS, position=2)
    db.session.add(section)
    db.session.commit()

    def stranger_sees() -> str:  # a new visitor each time: no cookie, so the cache may serve
        return app.test_client().get(url).get_data(as_text=True)

    assert "Dak Lak Fair" in stranger_sees()
    assert (("localhost", url + "?")) in app.extensions["page_cache"].entries
    fair.name_en = "Renamed Fair"
    db.session.commit()
    assert "Renamed Fair" in stranger_sees()
    exhibitor.booth = "B12"
    db.session.commit()
    assert "Booth B12" in stranger_sees()


def test_shop_the_fair_search_is_filtered_to_the_exhibitors(client):
    fair = make_fair(organiser())
    inside = ProductFactory(name_en="Exhibited honey")
    ProductFactory(name_en="Outside honey")
    exhibit(fair, inside.shop)
    html = client.get(f"/en/search?fair={fair.slug}").get_data(as_text=True)
    assert "Exhibited honey" in html and "Outside honey" not in html
    assert "Fair: Dak Lak Fair" in html
    everything = client.get("/en/search").get_data(as_text=True)
    assert "Outside honey" in everything


# --- exhibitors -------------------------------------------------------------------------------


def test_organiser_invites_a_shop_and_its_staff_get_an_email(client, auth, outbox):
    fair = make_fair(organiser())
    shop = ShopFactory(name_vi="Hợp tác xã Ea Tu", name_en="Ea Tu Cooperative")
    staff_of(shop, email="eatu@example.com", locale="en")
    auth.login("organiser@example.com", lang="en")
    found = client.get(f"/en/organise/fairs/{fair.slug}/exhibitors?q=ea tu").get_data(as_text=True)
    assert "Ea Tu Cooperative" in found
    response = client.post(f"/en/organise/fairs/{fair.slug}/exhibitors", data={"shop_id": shop.id})
    assert response.status_code == 302
    row = db.session.scalar(sa.select(FairExhibitor))
    assert (row.shop_id, row.status) == (shop.id, ExhibitorStatus.INVITED)
    (mail,) = outbox()
    assert mail["To"] == "eatu@example.com"
    assert mail["Subject"] == "Invitation to exhibit at Dak Lak Fair"
    assert f"/en/manage/{shop.slug}/fairs" in mail.get_content()
    again = client.post(f"/en/organise/fairs/{fair.slug}/exhibitors", data={"shop_id": shop.id})
    assert again.status_code == 409


def test_staff_see_pending_invitations_on_their_dashboard_and_accept(client, auth):
    fair = make_fair(organiser())
    shop = ShopFactory()
    staff_of(shop, email="staff@example.com")
    exhibitor = exhibit(fair, shop, status=ExhibitorStatus.INVITED)
    auth.login("staff@example.com", lang="en")
    dashboard = client.get(f"/en/manage/{shop.slug}/products").get_data(as_text=True)
    assert "1 fair invitation waits for your answer" in dashboard
    response = client.post(
        f"/en/manage/{shop.slug}/fairs/{fair.slug}/respond", data={"decision": "accept"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(FairExhibitor, exhibitor.id).status == ExhibitorStatus.ACCEPTED
    assert "fair invitation waits" not in client.get(f"/en/manage/{shop.slug}/products").get_data(
        as_text=True
    )


def test_staff_can_only_accept_invitations_for_their_own_shops(client, auth):
    fair = make_fair(organiser())
    mine, theirs = ShopFactory(), ShopFactory()
    staff = staff_of(mine, email="staff@example.com")
    invitation = exhibit(fair, theirs, status=ExhibitorStatus.INVITED)
    auth.login("staff@example.com", lang="en")
    response = client.post(
        f"/en/manage/{theirs.slug}/fairs/{fair.slug}/respond", data={"decision": "accept"}
    )
    assert response.status_code == 403
    with pytest.raises(Exception) as raised:
        services.respond_to_invitation(staff, invitation, accept=True)
    assert raised.value.code == 403
    db.session.expire_all()
    assert db.session.get(FairExhibitor, invitation.id).status == ExhibitorStatus.INVITED


def test_shop_applies_and_the_organiser_approves(client, auth, outbox):
    fair = make_fair(organiser())
    shop = ShopFactory()
    staff_of(shop, email="staff@example.com")
    auth.login("staff@example.com", lang="en")
    overview = client.get(f"/en/manage/{shop.slug}/fairs").get_data(as_text=True)
    assert "Dak Lak Fair" in overview
    client.post(f"/en/manage/{shop.slug}/fairs/{fair.slug}/apply")
    row = db.session.scalar(sa.select(FairExhibitor))
    assert row.status == ExhibitorStatus.APPLIED
    (mail,) = outbox()
    assert mail["To"] == "organiser@example.com"
    assert f"/vi/organise/fairs/{fair.slug}/exhibitors" in mail.get_content()
    auth.logout(lang="en")
    auth.login("organiser@example.com", lang="en")
    client.post(
        f"/en/organise/fairs/{fair.slug}/exhibitors/{row.id}/review", data={"decision": "accept"}
    )
    db.session.expire_all()
    assert db.session.get(FairExhibitor, row.id).status == ExhibitorStatus.ACCEPTED


def test_featured_products_must_belong_to_the_exhibitor(client, auth):
    fair = make_fair(organiser())
    own = ProductFactory()
    draft = ProductFactory(shop=own.shop, status=ProductStatus.DRAFT)
    foreign = ProductFactory()
    exhibitor = exhibit(fair, own.shop)
    auth.login("organiser@example.com", lang="en")
    url = f"/en/organise/fairs/{fair.slug}/exhibitors/{exhibitor.id}"
    refused = client.post(url, data={"featured": "1", "product_id": [own.id, foreign.id]})
    assert refused.status_code == 400
    assert "must be approved products of the exhibitor" in refused.get_data(as_text=True)
    assert client.post(url, data={"featured": "1", "product_id": [draft.id]}).status_code == 400
    db.session.expire_all()
    assert db.session.get(FairExhibitor, exhibitor.id).featured == []
    assert client.post(url, data={"featured": "1", "product_id": [own.id]}).status_code == 302
    db.session.expire_all()
    assert [f.product_id for f in db.session.get(FairExhibitor, exhibitor.id).featured] == [own.id]


def test_booth_and_printable_qr_poster(client, auth):
    fair = make_fair(organiser())
    shop = ShopFactory(name_en="Ea Tu Cooperative")
    exhibitor = exhibit(fair, shop)
    auth.login("organiser@example.com", lang="en")
    base = f"/en/organise/fairs/{fair.slug}/exhibitors/{exhibitor.id}"
    client.post(base, data={"booth": "A07", "hall": "Hall A"})
    poster = client.get(base + "/poster").get_data(as_text=True)
    assert "Booth A07" in poster and "Ea Tu Cooperative" in poster
    assert f"/en/fairs/{fair.slug}/e/{shop.slug}" in poster
    qr = client.get(base + "/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    auth.logout(lang="en")
    booth_page = client.get(f"/en/fairs/{fair.slug}/e/{shop.slug}").get_data(as_text=True)
    assert "Booth A07" in booth_page


# --- attribution ------------------------------------------------------------------------------


def test_attribution_counts_only_orders_that_came_through_the_fair_page(client, auth):
    fair = make_fair(organiser())
    honey = ProductFactory(name_en="Honey", price_vnd=100000, stock=20)
    tea = ProductFactory(name_en="Tea", price_vnd=50000, stock=20)
    exhibit(fair, honey.shop, products=[honey])
    exhibit(fair, tea.shop, products=[tea])
    buyer()
    auth.login(lang="en")
    # Through the fair page: 2 honey.
    response = client.post(
        "/en/cart/add", data={"product_id": honey.id, "qty": 2, "fair": fair.slug}
    )
    assert response.status_code == 302 and f"fair={fair.slug}" in response.headers["Location"]
    # Straight from the product page: 1 tea, not through the fair.
    assert add_to_cart(client, tea, 1, lang="en").status_code == 302
    order = order_number_from(checkout(client, lang="en"))
    lines = {line.name_en: line.fair_id for line in db.session.scalars(sa.select(OrderLine))}
    assert lines == {"Honey": fair.id, "Tea": None}
    # A forged fair slug for a product whose shop does not exhibit there counts for nothing.
    outsider = ProductFactory(name_en="Outsider", stock=5)
    client.post("/en/cart/add", data={"product_id": outsider.id, "qty": 1, "fair": fair.slug})
    checkout(client, lang="en")
    assert (
        db.session.scalar(sa.select(OrderLine.fair_id).where(OrderLine.name_en == "Outsider"))
        is None
    )
    auth.logout(lang="en")

    auth.login("organiser@example.com", lang="en")
    report = services.sales_by_exhibitor(fair.organiser, fair)
    figures = {r.exhibitor.shop_id: (r.orders, r.units, r.gmv_vnd) for r in report}
    assert figures == {honey.shop_id: (1, 2, 200000), tea.shop_id: (0, 0, 0)}
    page = client.get(f"/en/organise/fairs/{fair.slug}/sales").get_data(as_text=True)
    assert "₫200,000" in page
    assert order


def test_guest_cart_keeps_the_fair_through_sign_in(client, auth):
    fair = make_fair(organiser())
    honey = ProductFactory(price_vnd=100000, stock=20)
    exhibit(fair, honey.shop, products=[honey])
    client.post("/en/cart/add", data={"product_id": honey.id, "qty": 1, "fair": fair.slug})
    buyer()
    auth.login(lang="en")
    order = placed_order(client, [], lang="en")
    (line,) = [line for so in order.shop_orders for line in so.lines]
    assert line.fair_id == fair.id


def test_organiser_sees_sales_of_their_fair_only(client, auth):
    make_fair(organiser("other@example.com"), slug="theirs")
    organiser()
    auth.login("organiser@example.com", lang="en")
    assert client.get("/en/organise/fairs/theirs/sales").status_code == 403


def test_cancelled_orders_are_left_out_of_the_sales(client, auth):
    fair = make_fair(organiser())
    honey = ProductFactory(price_vnd=100000, stock=20)
    exhibit(fair, honey.shop, products=[honey])
    buyer()
    auth.login(lang="en")
    client.post("/en/cart/add", data={"product_id": honey.id, "qty": 1, "fair": fair.slug})
    order = placed_order(client, [], lang="en")
    for shop_order in order.shop_orders:
        shop_order.status = ShopOrderStatus.CANCELLED
    db.session.commit()
    (row,) = services.sales_by_exhibitor(fair.organiser, fair)
    assert (row.orders, row.gmv_vnd) == (0, 0)


def test_booth_map_and_gallery_pictures_are_uploaded_and_bad_files_refused(client, auth):
    fair = make_fair(organiser())
    booth_map = FairSection(fair=fair, kind=SectionKind.BOOTH_MAP, position=2, title_en="Map")
    gallery = FairSection(fair=fair, kind=SectionKind.GALLERY, position=3, title_en="Photos")
    db.session.add_all([booth_map, gallery])
    db.session.commit()
    auth.login("organiser@example.com", lang="en")
    base = f"/en/organise/fairs/{fair.slug}/sections"
    response = client.post(
        f"{base}/{booth_map.id}",
        data={"title_en": "Map", "image": (io.BytesIO(image_bytes("PNG")), "map.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    refused = client.post(
        f"{base}/{gallery.id}",
        data={
            "title_en": "Photos",
            "images": [
                (io.BytesIO(image_bytes()), "ok.jpg"),
                (io.BytesIO(b"not an image"), "bad.jpg"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "This file is not an image we can read." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(FairSection, gallery.id).images == []  # nothing half-written
    client.post(
        f"{base}/{gallery.id}",
        data={
            "title_en": "Photos",
            "caption_en": "Opening day",
            "images": [(io.BytesIO(image_bytes()), "a.jpg"), (io.BytesIO(image_bytes()), "b.jpg")],
        },
        content_type="multipart/form-data",
    )
    db.session.expire_all()
    assert len(db.session.get(FairSection, gallery.id).images) == 2
    auth.logout(lang="en")
    page = client.get(f"/en/fairs/{fair.slug}").get_data(as_text=True)
    key = db.session.get(FairSection, booth_map.id).image_key
    assert key and key in page
    assert page.count("Opening day") >= 2


def test_search_for_a_fair_links_products_with_the_fair_kept(client):
    fair = make_fair(organiser())
    honey = ProductFactory(name_en="Exhibited honey")
    exhibit(fair, honey.shop)
    html = client.get(f"/en/search?fair={fair.slug}").get_data(as_text=True)
    assert f"/en/p/{honey.slug}?fair={fair.slug}" in html
    product_page = client.get(f"/en/p/{honey.slug}?fair={fair.slug}").get_data(as_text=True)
    assert f'name="fair" value="{fair.slug}"' in product_page


def test_unknown_fair_in_the_search_is_ignored(client):
    ProductFactory(name_en="Any honey")
    html = client.get("/en/search?fair=no-such-fair").get_data(as_text=True)
    assert "Any honey" in html


def test_a_published_fairs_address_stays_as_printed(client, auth):
    draft = make_fair(organiser(), slug="nhap", status=FairStatus.DRAFT)
    published = make_fair(draft.organiser, slug="hoi-cho-dak-lak")
    auth.login("organiser@example.com", lang="en")
    moved = client.post("/en/organise/fairs/nhap/edit", data={**FAIR_FORM, "slug": "ban-nhap"})
    assert moved.status_code == 302
    assert db.session.get(Fair, draft.id).slug == "ban-nhap"

    form = client.get("/en/organise/fairs/hoi-cho-dak-lak/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="slug"[^>]*readonly', form)
    refused = client.post(
        "/en/organise/fairs/hoi-cho-dak-lak/edit", data={**FAIR_FORM, "slug": "hoi-cho-moi"}
    )
    assert refused.status_code == 400
    assert "A published fair keeps its address" in refused.get_data(as_text=True)
    renamed = client.post(  # the name changes, the address does not
        "/en/organise/fairs/hoi-cho-dak-lak/edit", data={**FAIR_FORM, "name_en": "New name"}
    )
    assert renamed.status_code == 302
    db.session.expire_all()
    fair = db.session.get(Fair, published.id)
    assert (fair.slug, fair.name_en) == ("hoi-cho-dak-lak", "New name")
    assert client.get("/en/fairs/hoi-cho-dak-lak").status_code == 200


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Events take place during the fair, from December 10, 2026 to December 14, 2026."),
        (
            "vi",
            "Sự kiện diễn ra trong thời gian hội chợ, từ 10 tháng 12, 2026 đến 14 tháng 12, 2026.",
        ),
    ],
)
def test_schedule_events_must_fall_inside_the_fairs_dates(client, auth, lang, message):
    fair = make_fair(organiser())
    auth.login("organiser@example.com", lang=lang)
    url = f"/{lang}/organise/fairs/{fair.slug}/schedule"
    event = {"title_vi": "Khai mạc", "title_en": "Opening"}
    before = client.post(url, data={**event, "starts_at": "2026-12-09T09:00"})
    assert before.status_code == 400 and message in before.get_data(as_text=True)
    too_long = client.post(
        url, data={**event, "starts_at": "2026-12-14T20:00", "ends_at": "2026-12-15T01:00"}
    )
    assert too_long.status_code == 400 and message in too_long.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduleEvent)) == 0
    inside = client.post(
        url, data={**event, "starts_at": "2026-12-14T20:00", "ends_at": "2026-12-14T22:00"}
    )
    assert inside.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduleEvent)) == 1


def test_organisers_have_a_menu_link_to_their_fairs(client, auth):
    organiser()
    auth.login("organiser@example.com", lang="vi")
    html = client.get("/vi/").get_data(as_text=True)
    nav = html[html.index('<nav class="main-nav"') :]
    assert '<a href="/vi/organise/fairs">Hội chợ của tôi</a>' in nav[: nav.index("</nav>")]
    auth.logout(lang="vi")
    auth.login(UserFactory(email="buyer@example.com").email, lang="vi")
    assert "/vi/organise/fairs" not in client.get("/vi/").get_data(as_text=True)
