"""Reports from buyers and visitors about a product, a shop or a review: the admins' queue."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.accounts import User
from app.models.base import Codes, UTCDateTime, utcnow

REPORT_REASONS = ("counterfeit", "prohibited", "misleading", "offensive", "spam", "other")
REPORT_TARGETS = ("product", "shop", "review")


class ReportStatus(Codes):
    OPEN = "open"
    DISMISSED = "dismissed"
    ACTIONED = "actioned"  # the product was hidden, the shop suspended or the review hidden


class Report(db.Model):
    __table_args__ = (
        sa.Index("ix_report_status_created", "status", "created_at"),
        sa.Index("ix_report_target", "target_type", "target_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    target_type: so.Mapped[str] = so.mapped_column(sa.String(20))
    target_id: so.Mapped[int]
    reason: so.Mapped[str] = so.mapped_column(sa.String(20))
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    reporter_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    reporter_ip: so.Mapped[str] = so.mapped_column(sa.String(45), default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ReportStatus.OPEN)
    resolution: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    reporter: so.Mapped[User | None] = so.relationship(foreign_keys=[reporter_id])
    resolved_by: so.Mapped[User | None] = so.relationship(foreign_keys=[resolved_by_id])
