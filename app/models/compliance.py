"""What the law asks a trading floor to keep: seller checks, policies and their acceptance,
consents, personal-data requests and incidents."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db
from app.models.accounts import User
from app.models.base import UTCDateTime, utcnow
from app.models.shops import Shop


class SellerKind:
    """Who declares the tax: an organisation itself, or the floor for a household seller."""

    ORGANISATION = "organisation"
    HOUSEHOLD = "household"
    ALL = (ORGANISATION, HOUSEHOLD)
    # sub-kind → kind
    TYPES = {
        "cooperative": ORGANISATION,
        "union_of_cooperatives": ORGANISATION,
        "enterprise": ORGANISATION,
        "household_business": HOUSEHOLD,
        "cooperative_group": HOUSEHOLD,
        "individual": HOUSEHOLD,
    }


class ShopVerification(db.Model):
    """One check of a shop's registration data: what was checked, how, by whom, when, and the
    legal data as it stood (so a later edit cannot rewrite what was verified)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("shop.id", ondelete="CASCADE"), index=True
    )
    method: so.Mapped[str] = so.mapped_column(sa.String(40))
    checks: so.Mapped[str] = so.mapped_column(sa.Text, default="")  # comma-separated items
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    legal_snapshot: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    verified_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    verified_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    shop: so.Mapped[Shop] = so.relationship()
    verified_by: so.Mapped[User | None] = so.relationship()

    @property
    def check_list(self) -> list[str]:
        return [c for c in self.checks.split(",") if c]


class PolicyKind:
    OPERATING_RULES = "operating-rules"
    PRIVACY = "privacy"
    RETURNS = "returns"
    TERMS = "terms"
    ALL = (OPERATING_RULES, PRIVACY, RETURNS, TERMS)


class PolicyVersion(db.Model):
    """One version of a policy text, in both languages, in force from `effective_at`."""

    __table_args__ = (sa.UniqueConstraint("kind", "version", name="uq_policy_version_kind"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    version: so.Mapped[int]
    title_vi: so.Mapped[str] = so.mapped_column(sa.String(200))
    title_en: so.Mapped[str] = so.mapped_column(sa.String(200))
    body_vi: so.Mapped[str] = so.mapped_column(sa.Text)
    body_en: so.Mapped[str] = so.mapped_column(sa.Text)
    summary_vi: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    summary_en: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    effective_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    announced_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    created_by: so.Mapped[User | None] = so.relationship()


class PolicyAcceptance(db.Model):
    """A seller's acceptance of a version of the operating rules, for one shop."""

    __table_args__ = (
        sa.UniqueConstraint("user_id", "shop_id", "policy_version_id", name="uq_policy_acceptance"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    shop_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("shop.id", ondelete="CASCADE"), index=True
    )
    policy_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("policy_version.id"))
    way: so.Mapped[str] = so.mapped_column(sa.String(40))
    accepted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    policy_version: so.Mapped[PolicyVersion] = so.relationship()


class ConsentPurpose:
    PRIVACY = "privacy"  # processing needed for the account and orders: required
    MARKETING = "marketing"  # news and offers by mail: optional
    ALL = (PRIVACY, MARKETING)
    OPTIONAL = (MARKETING,)


class Consent(db.Model):
    """A consent as given: purpose, the privacy policy version shown, when and how; withdrawn
    consents keep their row with the time and way of withdrawal."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    purpose: so.Mapped[str] = so.mapped_column(sa.String(20))
    policy_version_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("policy_version.id"))
    way: so.Mapped[str] = so.mapped_column(sa.String(40))
    given_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    withdrawn_way: so.Mapped[str | None] = so.mapped_column(sa.String(40))

    policy_version: so.Mapped[PolicyVersion | None] = so.relationship()


class DataRequestKind:
    EXPORT = "export"
    DELETE = "delete"
    OTHER = "other"  # correction of kept records, objection, restriction: handled by staff
    ALL = (EXPORT, DELETE, OTHER)


class DataRequest(db.Model):
    """A data subject's request, logged with its deadline whether answered at once or not."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    details: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    requested_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    due_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, index=True)
    completed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    completed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    outcome: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])

    @property
    def is_open(self) -> bool:
        return self.completed_at is None


class DataIncident(db.Model):
    """A personal-data incident in the admin register, with the notification deadline."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    data_kinds: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    affected_count: so.Mapped[int | None]
    detected_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    notify_by: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    notified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    measures: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class TaxWithholding(db.Model):
    """Tax the floor withheld from a household or individual seller on one sale, or gave back
    on one refund (negative amounts): revenue, VAT and PIT at the rates then in force. Written
    with the ledger posting it explains and, like it, never changed."""

    __table_args__ = (sa.Index("ix_tax_withholding_shop_created", "shop_id", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shop_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop.id"))
    shop_order_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("shop_order.id"), index=True)
    refund_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("refund.id"))
    ledger_transaction_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("ledger_transaction.id"), unique=True
    )
    revenue_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    vat_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    pit_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    rates: so.Mapped[str] = so.mapped_column(sa.String(120), default="")  # "goods:100/50"
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    @property
    def tax_vnd(self) -> int:
        return self.vat_vnd + self.pit_vnd


def _append_only(mapper, connection, target) -> None:
    raise ValueError("TaxWithholding is append-only: a refund writes a negative row")


sa.event.listen(TaxWithholding, "before_update", _append_only)
sa.event.listen(TaxWithholding, "before_delete", _append_only)
