"""Reports from buyers and visitors: what can be reported, and filing one."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    REPORT_REASONS,
    REPORT_TARGETS,
    Product,
    Report,
    ReportStatus,
    Review,
    Shop,
    User,
)

MAX_TEXT = 1000
REASON_LABELS = {
    "counterfeit": _l("Counterfeit or not what it claims to be"),
    "prohibited": _l("Prohibited or dangerous goods"),
    "misleading": _l("Misleading description, price or certificate"),
    "offensive": _l("Offensive or abusive content"),
    "spam": _l("Spam or fraud"),
    "other": _l("Something else"),
}
assert set(REASON_LABELS) == set(REPORT_REASONS)


class ReportError(ValueError):
    """The report cannot be filed; the message is for the visitor."""


def public_target(target_type: str, target_id: int):
    """The public product, shop or review a visitor may report, or None."""
    if target_type not in REPORT_TARGETS:
        return None
    if target_type == "product":
        product = db.session.get(Product, target_id)
        return product if product is not None and product.is_public else None
    if target_type == "shop":
        shop = db.session.get(Shop, target_id)
        return shop if shop is not None and shop.is_public else None
    review = db.session.get(Review, target_id)
    return review if review is not None and review.is_visible and review.product.is_public else None


def file_report(
    user: User | None, ip: str, target_type: str, target_id: int, reason: str, text: str
) -> Report:
    if public_target(target_type, target_id) is None:
        raise ReportError(_("There is nothing public to report here."))
    if reason not in REPORT_REASONS:
        raise ReportError(_("Choose a reason from the list."))
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ReportError(_("Describe the problem in at most %(n)s characters.", n=MAX_TEXT))
    if reason == "other" and not text:
        raise ReportError(_("Describe the problem."))
    report = Report(
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        text=text,
        reporter_id=user.id if user is not None and user.is_authenticated else None,
        reporter_ip=(ip or "")[:45],
    )
    db.session.add(report)
    db.session.flush()
    return report


def open_reports_for(target_type: str, target_id: int) -> list[Report]:
    return list(
        db.session.scalars(
            sa.select(Report).where(
                Report.target_type == target_type,
                Report.target_id == target_id,
                Report.status == ReportStatus.OPEN,
            )
        )
    )
