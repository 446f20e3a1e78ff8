"""In-app notifications and the kinds a user turned off (see app/notifications)."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class Notification(db.Model):
    """One event told to one user: its kind and parameters, rendered when it is read.

    Nothing is stored in a language: the page renders the kind's text from `params` in the
    reader's language of the moment, so switching language switches the list too.
    """

    # The header's unread count and the list, newest first, read one user's rows only.
    __table_args__ = (sa.Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    params: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationOptOut(db.Model):
    """A user turned this optional kind off: neither mail nor list entry is made for it."""

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
