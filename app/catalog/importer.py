"""Product CSV import (docs/contracts.md, "CSV"): check every row first (app.catalog.product_csv),
then write in one go.

An import is all-or-nothing unless skip_bad is asked for, because a half-imported catalogue is
harder to repair than none: the operator fixes the listed lines and runs the same file again,
and the upsert by sku makes that safe. The service prints nothing and returns an ImportReport so
that a web upload can reuse it; `flask catalog import` (app.catalog.commands) prints it.
"""

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from app.catalog.product_csv import CertificateRow, RowPlan, read_csv, validate_rows
from app.catalog.services import ProductInput, apply_product_input, unique_product_slug
from app.extensions import db
from app.media import ImageRejected, StoredImage, delete_image, store_image
from app.models import Product, ProductImage, ProductStatus, Shop
from app.ocop.services import CertificateInput, record_verified_certificate
from app.unit_of_work import after_commit, rollback


@dataclass
class ImportReport:
    """What an import did, or would do on a dry run: SKUs created and updated, bad lines.

    errors holds (line, message) pairs; a line may appear more than once when a row has
    several problems. When errors is not empty and skip_bad was not asked for, created and
    updated are empty: nothing was written.
    """

    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    planned: list[tuple[int, str, str]] = field(default_factory=list)  # dry run: line, sku, action

    @property
    def skipped(self) -> int:
        return len({line for line, _message in self.errors})


def import_csv(
    path: Path,
    shop: Shop,
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Callable[[list], AbstractContextManager[Iterable]] = nullcontext,
) -> ImportReport:
    """Import the products of a CSV file into a shop; every row or none.

    Raises ImportFileError when the file as a whole is unusable. Bad rows are reported in
    the returned ImportReport; with any of them nothing is written unless skip_bad is given.
    progress may wrap the list of rows being checked (the CLI passes a progress bar).
    """
    table = read_csv(Path(path).read_bytes())
    plans, errors = validate_rows(table, shop, Path(path).parent, progress)
    report = ImportReport(dry_run=dry_run, errors=errors)
    if errors and not skip_bad:
        return report
    if dry_run:
        for plan in plans:
            action = "update" if plan.product is not None else "create"
            (report.updated if plan.product is not None else report.created).append(plan.sku)
            report.planned.append((plan.line, plan.sku, action))
        return report
    _write(plans, shop, report, skip_bad)
    return report


def _write(plans: list[RowPlan], shop: Shop, report: ImportReport, skip_bad: bool) -> None:
    """Store images, upsert products and certificates; clean up the images on any failure."""
    stored: list[str] = []
    replaced: list[str] = []
    created: list[str] = []
    updated: list[str] = []
    try:
        for plan in plans:
            image = None
            if plan.image_path is not None:
                try:
                    image = store_image(plan.image_path.read_bytes())
                except (ImageRejected, OSError) as error:
                    reason = _("image %(path)s: %(reason)s", path=plan.image_path, reason=error)
                    report.errors.append((plan.line, reason))
                    continue
                stored.append(image.key)
            product = _upsert_product(plan, shop)
            (updated if plan.product is not None else created).append(plan.sku)
            if image is not None:
                replaced.extend(_replace_images(product, image))
            if plan.certificate is not None:
                _upsert_certificate(product, plan.certificate)
        if report.errors and not skip_bad:
            raise _Abort
        db.session.flush()
    except _Abort:
        rollback()  # the import is refused as a whole: none of its rows may be committed
        _delete_images(stored)
        return
    except Exception:
        _delete_images(stored)
        raise
    report.created, report.updated = created, updated
    # Only once the rows pointing at them are gone for good.
    after_commit(_delete_images, replaced)


class _Abort(Exception):
    """A row failed while writing (its image could not be stored): undo everything."""


def _upsert_product(plan: RowPlan, shop: Shop) -> Product:
    product = plan.product
    current = _current_input(product) if product is not None else _new_input(plan.sku)
    data = ProductInput(
        **{
            name: plan.values.get(name, getattr(current, name))
            for name in ProductInput.__dataclass_fields__
        }
    )
    if product is None:
        product = Product(shop=shop, slug=unique_product_slug(data.name_vi or data.name_en))
        apply_product_input(product, data)
        db.session.add(product)
    else:
        apply_product_input(product, data)
    product.status = ProductStatus.APPROVED  # the operator's import needs no moderation
    return product


def _new_input(sku: str) -> ProductInput:
    return ProductInput(
        sku=sku,
        name_vi="",
        name_en="",
        description_vi="",
        description_en="",
        category_id=None,
        price_vnd=0,
        stock=0,
        unit_vi="",
        unit_en="",
        weight_g=None,
        gtin=None,
    )


def _current_input(product: Product) -> ProductInput:
    return ProductInput(
        **{name: getattr(product, name) for name in ProductInput.__dataclass_fields__}
    )


def _replace_images(product: Product, image: StoredImage) -> list[str]:
    """Put the new image in place of the old ones; returns the old keys to delete later."""
    old_keys = [old.key for old in product.images]
    product.images.clear()
    product.images.append(
        ProductImage(key=image.key, position=0, width=image.width, height=image.height)
    )
    return old_keys


def _upsert_certificate(product: Product, row: CertificateRow) -> None:
    """The operator's import vouches for the certificate: verified, by nobody in person."""
    existing = row.existing
    record_verified_certificate(
        product,
        CertificateInput(
            product_id=product.id,
            certificate_no=row.certificate_no,
            stars=row.stars,
            issuer=row.issuer,
            issued_on=row.issued_on,
            expires_on=row.expires_on,
            product_group=existing.product_group if existing is not None else None,
        ),
        existing=existing,
    )


def _delete_images(keys: list[str]) -> None:
    for key in keys:
        delete_image(key)
