"""All models, importable from one place (Alembic and the app see the same metadata)."""

from app.models.accounts import ROLES, User
from app.models.audit import AuditEntry
from app.models.catalog import Product, ProductImage, ProductStatus
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
from app.models.shops import Shop, ShopMember, ShopStatus
from app.models.trace import Lot, LotCertification, LotStep

__all__ = [
    "ROLES",
    "AuditEntry",
    "CartItem",
    "Order",
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
    "Shop",
    "ShopMember",
    "ShopStatus",
    "User",
]
