"""All models, importable from one place (Alembic and the app see the same metadata)."""

from app.models.accounts import ROLES, Address, User
from app.models.audit import AuditEntry
from app.models.catalog import Product, ProductImage, ProductStatus
from app.models.fairs import (
    ExhibitorStatus,
    Fair,
    FairExhibitor,
    FairFeaturedProduct,
    FairImage,
    FairSection,
    FairStatus,
    ScheduleEvent,
    SectionKind,
)
from app.models.jobs import PendingJob
from app.models.ledger import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutMethod,
    PayoutRun,
    PayoutShopOrder,
    PayoutStatus,
    TransactionKind,
)
from app.models.notifications import Notification, NotificationOptOut
from app.models.ocop import CertificateStatus, OcopCertificate
from app.models.orders import (
    CartItem,
    Order,
    OrderEvent,
    OrderLine,
    PaymentMethod,
    PaymentStatus,
    ShippingRate,
    ShopOrder,
    ShopOrderStatus,
)
from app.models.payments import Payment, Refund, RefundLine, RefundStatus, StripeEvent
from app.models.reference import Category, Province
from app.models.reports import REPORT_REASONS, REPORT_TARGETS, Report, ReportStatus
from app.models.reviews import Review, ReviewStatus
from app.models.shops import Shop, ShopDocument, ShopMember, ShopStatus
from app.models.trace import Lot, LotCertification, LotStep

__all__ = [
    "REPORT_REASONS",
    "REPORT_TARGETS",
    "ROLES",
    "AccountKind",
    "Address",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Payout",
    "PendingJob",
    "PayoutMethod",
    "PayoutRun",
    "PayoutShopOrder",
    "PayoutStatus",
    "TransactionKind",
    "AuditEntry",
    "CartItem",
    "ExhibitorStatus",
    "Fair",
    "FairExhibitor",
    "FairFeaturedProduct",
    "FairImage",
    "FairSection",
    "FairStatus",
    "ScheduleEvent",
    "SectionKind",
    "Order",
    "Notification",
    "NotificationOptOut",
    "OrderEvent",
    "OrderLine",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "Refund",
    "RefundLine",
    "RefundStatus",
    "ShippingRate",
    "ShopOrder",
    "ShopOrderStatus",
    "StripeEvent",
    "Category",
    "CertificateStatus",
    "Lot",
    "LotCertification",
    "LotStep",
    "OcopCertificate",
    "Product",
    "ProductImage",
    "ProductStatus",
    "Province",
    "Report",
    "ReportStatus",
    "Review",
    "ReviewStatus",
    "Shop",
    "ShopDocument",
    "ShopMember",
    "ShopStatus",
    "User",
]
