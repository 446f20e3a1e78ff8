"""A fair's schedule of events, entered in Vietnam's time and stored in UTC."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.fairs.errors import FairError
from app.fairs.permissions import require_organiser
from app.models import Fair, ScheduleEvent, User
from app.models.base import VIETNAM


def to_utc(local: datetime) -> datetime:
    """A time the organiser typed (Vietnam time, no zone) as aware UTC."""
    return local.replace(tzinfo=VIETNAM).astimezone(ZoneInfo("UTC"))


def _fair_dates_message(fair: Fair) -> str:
    return _(
        "Events take place during the fair, from %(start)s to %(end)s.",
        start=format_date(fair.starts_on, "long"),
        end=format_date(fair.ends_on, "long"),
    )


def add_event(user: User, fair: Fair, values: dict) -> ScheduleEvent:
    require_organiser(user, fair)
    starts_at, ends_at = to_utc(values["starts_at"]), None
    # The times are typed in Vietnam time, like the fair's dates.
    if not fair.starts_on <= values["starts_at"].date() <= fair.ends_on:
        raise FairError(_fair_dates_message(fair), "starts_at")
    if values.get("ends_at"):
        ends_at = to_utc(values["ends_at"])
        if ends_at < starts_at:
            raise FairError(_("The event cannot end before it starts."), "ends_at")
        if values["ends_at"].date() > fair.ends_on:
            raise FairError(_fair_dates_message(fair), "ends_at")
    if not (values["title_vi"] or values["title_en"]):
        raise FairError(_("Give the event a title in Vietnamese or English."), "title_vi")
    event = ScheduleEvent(
        fair=fair,
        starts_at=starts_at,
        ends_at=ends_at,
        title_vi=values["title_vi"],
        title_en=values["title_en"],
        place=values["place"],
        speaker=values["speaker"],
    )
    db.session.add(event)
    db.session.flush()
    return event


def delete_event(user: User, fair: Fair, event_id: int) -> None:
    require_organiser(user, fair)
    event = db.session.get(ScheduleEvent, event_id)
    if event is None or event.fair_id != fair.id:
        raise NotFound()
    db.session.delete(event)
    db.session.flush()
