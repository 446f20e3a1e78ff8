"""The fairs blueprint's services, one concern per module; routes and other blueprints
import them from here.

- permissions: who may see and change which fair; editing: the fair's details and status;
- sections: the page builder; rich_text: sanitising what organisers write;
- exhibitors: invitations, applications, booths, featured products; mails: their text;
- schedule, and ics: the schedule as a calendar file; public_page: the directory and exhibitor pages;
- qr: poster QR codes; sales: what exhibitors sold through the fair.

Every change goes through a function that checks who may make it (an organiser edits only
their own fairs, admins any; staff answer only for their own shops); it flushes, and the
request commits (app.unit_of_work).
"""

from app.fairs.editing import (  # noqa: F401
    FAIR_FIELDS,
    save_fair,
    set_status,
)
from app.fairs.errors import (  # noqa: F401
    FairError,
)
from app.fairs.exhibitors import (  # noqa: F401
    MAX_FEATURED,
    apply_to_fair,
    exhibitor_of,
    featurable_products,
    find_shops,
    invite_shop,
    pending_invitations,
    remove_exhibitor,
    respond_to_invitation,
    review_application,
    set_booth,
    set_featured_products,
    shop_exhibitor,
    shop_fair_overview,
)
from app.fairs.ics import (  # noqa: F401
    schedule_ics,
)
from app.fairs.mails import (  # noqa: F401
    application_mail,
    invitation_mail,
)
from app.fairs.permissions import (  # noqa: F401
    FairListing,
    fair_by_slug,
    fairs_of,
    may_edit,
    organised_fair,
    public_fairs,
    require_organiser,
    viewable_fair,
)
from app.fairs.public_page import (  # noqa: F401
    DirectoryFilters,
    FairPage,
    accepted_exhibitors,
    attributed_fair_id,
    exhibitor_shop_slugs,
    fair_page,
    public_exhibitor,
)
from app.fairs.qr import (  # noqa: F401
    qr_svg,
)
from app.fairs.rich_text import (  # noqa: F401
    sanitise_html,
)
from app.fairs.sales import (  # noqa: F401
    ExhibitorSales,
    sales_by_exhibitor,
)
from app.fairs.schedule import (  # noqa: F401
    add_event,
    delete_event,
    to_utc,
)
from app.fairs.sections import (  # noqa: F401
    MAX_GALLERY,
    add_section,
    default_title,
    delete_gallery_image,
    delete_section,
    fair_section,
    move_section,
    update_section,
)
