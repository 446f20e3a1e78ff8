"""A fair's schedule as an iCalendar file (RFC 5545) that phones and calendars import."""

from icalendar import Calendar, Event

from app.i18n import localized
from app.models import Fair
from app.models.base import utcnow


def schedule_ics(fair: Fair, lang: str) -> bytes:
    """The schedule as iCalendar (RFC 5545), titles in `lang`."""
    calendar = Calendar()
    calendar.add("prodid", "-//Cho HTX//Fairs//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", localized(fair, "name", lang)[0])
    for item in fair.events:
        event = Event()
        event.add("uid", f"fair-{fair.id}-event-{item.id}@chohtx.vn")
        event.add("dtstamp", utcnow())
        event.add("dtstart", item.starts_at)
        if item.ends_at:
            event.add("dtend", item.ends_at)
        event.add("summary", localized(item, "title", lang)[0])
        if item.place or fair.address:
            event.add("location", ", ".join(p for p in (item.place, fair.address) if p))
        if item.speaker:
            event.add("description", item.speaker)
        calendar.add_component(event)
    return calendar.to_ical()
