from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import Codes, UTCDateTime, utcnow


class Role(Codes):
    """A user's role (stored as its word, like every Codes)."""

    BUYER = "buyer"
    STAFF = "staff"
    ADMIN = "admin"
    ORGANISER = "organiser"
    VIEWER = "viewer"


ROLES = Role.ALL


class User(UserMixin, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=Role.BUYER)
    locale: so.Mapped[str] = so.mapped_column(sa.String(5), default="vi")
    is_active_account: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Set when the person deleted the account: the row stays, its personal fields anonymised.
    erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    memberships: so.Mapped[list["ShopMember"]] = so.relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def may_register_shop(self) -> bool:
        """Buyers and staff register cooperatives (and become their staff); admins,
        organisers and viewers keep to their own role."""
        return self.role in (Role.BUYER, Role.STAFF)

    @property
    def manages_shops(self) -> bool:
        """Staff manage their cooperatives' shops, and admins every shop."""
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def shops(self) -> list:
        return [m.shop for m in self.memberships]

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Address(db.Model):
    """A delivery address in a buyer's address book; checkout starts from the default one."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(120))  # who receives the parcel
    phone: so.Mapped[str] = so.mapped_column(sa.String(20))
    address: so.Mapped[str] = so.mapped_column(sa.String(255))  # street and number
    commune: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    province_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("province.id"))
    is_default: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    province: so.Mapped["Province"] = so.relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Address {self.id} of user {self.user_id}>"
