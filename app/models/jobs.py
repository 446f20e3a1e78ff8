from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.base import UTCDateTime, utcnow


class PendingJob(db.Model):
    """A background job kept in the database: it failed (the mail server refused, say) or
    could not be queued, and is run again from `next_attempt_at`, with a growing delay.

    The database outlives Redis and the processes: a job kept here is never lost, whatever
    else is down. `flask jobs retry` (or the worker, or a later request) runs the due ones.
    """

    __tablename__ = "pending_job"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))  # "module:function"
    arguments: so.Mapped[str] = so.mapped_column(sa.Text)  # JSON, bytes as base64
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    last_error: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    # Set once MAX_ATTEMPTS have failed: kept for the operator, not retried by itself.
    gave_up_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
