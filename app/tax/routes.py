from flask import Response, abort, render_template, request

from app import clock
from app.accounts.permissions import role_required
from app.models.base import VIETNAM
from app.tax import bp, rates, services

admin_only = role_required("admin")


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/admin/tax")
@admin_only
def admin_tax():
    today = clock.now().astimezone(VIETNAM)
    return render_template(
        "tax/admin.html",
        month=f"{today.year:04d}-{today.month:02d}",
        quarter=f"{today.year:04d}Q{(today.month - 1) // 3 + 1}",
        rates=rates,
    )


@bp.route("/admin/tax/declaration.csv")
@admin_only
def declaration_csv():
    month = request.args.get("month", "")
    parsed = services.parse_month(month) or abort(400)
    return _csv(services.declaration_csv(*parsed), f"tax-declaration-{month}.csv")


@bp.route("/admin/tax/sellers.csv")
@admin_only
def sellers_csv():
    quarter = request.args.get("quarter", "").upper()
    parsed = services.parse_quarter(quarter) or abort(400)
    return _csv(services.sellers_csv(*parsed), f"sellers-{quarter}.csv")
