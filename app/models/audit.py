from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.accounts import User
from app.models.base import UTCDateTime, utcnow


class AuditEntry(db.Model):
    """Who did what to which record, when and why. Append-only: never updated or deleted."""

    __table_args__ = (sa.Index("ix_audit_entry_target", "target_type", "target_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(60), index=True)
    target_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    target_id: so.Mapped[int | None]
    target_label: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    details: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)

    actor: so.Mapped[User | None] = so.relationship()
