"""Product CSV import (DESIGN.md, "Product CSV"): check every row first, then write in one go.

An import is all-or-nothing unless skip_bad is asked for, because a half-imported catalogue is
harder to repair than none: the operator fixes the listed lines and runs the same file again,
and the upsert by sku makes that safe. The service prints nothing and returns an ImportReport so
that a web upload can reuse it; run_import_command is the thin command-line face.
"""

import csv
import io
import re
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.catalog.services import (
    ProductInput,
    apply_product_input,
    category_by_slug,
    product_by_sku,
    unique_product_slug,
)
from app.extensions import db
from app.media import ImageRejected, StoredImage, check_image, delete_image, store_image
from app.models import Category, OcopCertificate, Product, ProductImage, ProductStatus, Shop
from app.ocop.services import CertificateInput, record_verified_certificate
from app.shops.services import shop_by_slug
from app.text import nfc
from app.unit_of_work import after_commit, rollback

PRODUCT_COLUMNS = (
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "category",
    "price_vnd",
    "stock",
    "unit",
    "weight_g",
)
OCOP_COLUMNS = (
    "ocop_stars",
    "ocop_certificate_no",
    "ocop_issuer",
    "ocop_issued_on",
    "ocop_expires_on",
)
COLUMNS = ("sku", *PRODUCT_COLUMNS, *OCOP_COLUMNS, "image")
REQUIRED_COLUMNS = ("sku", "price_vnd", "stock")
NAME_COLUMNS = ("name_vi", "name_en")

SKU = re.compile(r"[A-Za-z0-9._-]{1,64}")
WHOLE_NUMBER = re.compile(r"[0-9]+")  # not int(): it takes "1_000", "+5" and other scripts' digits
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_INT = 2**31 - 1  # stock and weight_g are INTEGER columns
MAX_BIGINT = 2**63 - 1
TEXT_LIMITS = {"name_vi": 200, "name_en": 200, "unit": 40}  # the column sizes in the models


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (encoding, header, no rows); nothing was written."""


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


@dataclass
class CertificateRow:
    certificate_no: str
    stars: int
    issuer: str
    issued_on: date
    expires_on: date
    existing: OcopCertificate | None


@dataclass
class RowPlan:
    """A checked row: the converted values of the columns in the header, ready to write."""

    line: int
    sku: str
    values: dict[str, object]
    product: Product | None  # the product to update; None creates one
    image_path: Path | None
    certificate: CertificateRow | None


@dataclass
class CsvRow:
    line: int  # the physical line where the row starts
    cells: dict[str, str]
    problem: str | None = None  # set when the row cannot even be split into the columns


@dataclass
class CsvTable:
    columns: list[str]
    rows: list[CsvRow]


# --- reading the file -------------------------------------------------------------------


def read_csv(data: bytes) -> CsvTable:
    """Decode and split the file; raise ImportFileError for what spoils the whole file.

    Line numbers are physical lines (header = 1) so that they match what an editor shows,
    even when a quoted description spans several lines.
    """
    bom = b"\xef\xbb\xbf"
    offset = len(bom) if data.startswith(bom) else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = offset + error.start
        line = data[:position].count(b"\n") + 1
        raise ImportFileError(
            _(
                "not UTF-8: invalid byte 0x%(byte)s at byte %(position)s (line %(line)s); "
                "save the file as “CSV UTF-8”.",
                byte=f"{data[position]:02X}",
                position=position,
                line=line,
            )
        ) from None
    if not text.strip():
        raise ImportFileError(_("The file is empty: it needs a header row and product rows."))

    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(
            _("line %(line)s: the CSV cannot be read (%(reason)s).", line=start, reason=error)
        ) from None
    records = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise ImportFileError(_("The file is empty: it needs a header row and product rows."))

    header_line, header = records[0]
    columns = [nfc(name).strip().lower() for name in header]
    _check_header(header_line, columns)
    rows = []
    for line, cells in records[1:]:
        if len(cells) != len(columns):
            rows.append(CsvRow(line, {}, _wrong_width(len(cells), len(columns))))
        else:
            rows.append(
                CsvRow(line, {k: nfc(v).strip() for k, v in zip(columns, cells, strict=True)})
            )
    if not rows:
        raise ImportFileError(_("No product rows: the file has a header but nothing below it."))
    return CsvTable(columns=columns, rows=rows)


def _wrong_width(found: int, expected: int) -> str:
    return _(
        "the row has %(found)s values but the header has %(expected)s columns "
        "(a comma in a text that is not in double quotes?)",
        found=found,
        expected=expected,
    )


def _check_header(line: int, columns: list[str]) -> None:
    problems = []
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        problems.append(
            _(
                "unknown columns: %(names)s (known: %(known)s)",
                names=", ".join(name or "(empty)" for name in unknown),
                known=", ".join(COLUMNS),
            )
        )
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        problems.append(_("repeated columns: %(names)s", names=", ".join(repeated)))
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if not any(name in columns for name in NAME_COLUMNS):
        missing.append("name_vi/name_en")
    if missing:
        problems.append(_("missing required columns: %(names)s", names=", ".join(missing)))
    if problems:
        raise ImportFileError(
            _("line %(line)s: %(problems)s", line=line, problems="; ".join(problems))
        )


# --- checking rows ----------------------------------------------------------------------


def validate_rows(
    table: CsvTable,
    shop: Shop,
    base_dir: Path,
    progress: Callable[[list], AbstractContextManager[Iterable]] = nullcontext,
) -> tuple[list[RowPlan], list[tuple[int, str]]]:
    """Check every row against the rules and the database, writing nothing.

    Images are opened with Pillow but not stored, so a dry run and a real run report the same
    bad rows and a real run knows every problem before it stores its first file.
    """
    checker = _RowChecker(shop, base_dir, set(table.columns))
    plans, errors = [], []
    with progress(table.rows) as rows:
        for row in rows:
            plan, problems = checker.check(row)
            errors.extend((row.line, problem) for problem in problems)
            if plan is not None:
                plans.append(plan)
    return plans, errors


class _RowChecker:
    """Holds what rows are checked against: earlier rows of the file and a category cache."""

    def __init__(self, shop: Shop, base_dir: Path, columns: set[str]):
        self.shop = shop
        self.base_dir = base_dir.resolve()
        self.columns = columns
        self.sku_lines: dict[str, int] = {}
        self.certificate_lines: dict[str, int] = {}
        self.categories: dict[str, Category | None] = {}

    def check(self, row: CsvRow) -> tuple[RowPlan | None, list[str]]:
        if row.problem:
            return None, [row.problem]
        line, cells = row.line, row.cells
        problems: list[str] = []
        sku = self._sku(cells["sku"], line, problems)
        values = self._product_values(cells, problems)
        product = product_by_sku(self.shop, sku) if sku else None
        certificate = self._certificate(cells, line, sku, product, problems)
        image_path = self._image(cells.get("image", ""), problems)
        if problems:
            return None, problems
        return RowPlan(line, sku, values, product, image_path, certificate), []

    def _sku(self, sku: str, line: int, problems: list[str]) -> str:
        if not sku:
            problems.append(_("sku is empty"))
            return ""
        if not SKU.fullmatch(sku):
            problems.append(
                _(
                    "sku “%(sku)s” may only hold letters A-Z, digits, “.”, “_” and “-” "
                    "(at most 64)",
                    sku=sku,
                )
            )
            return ""
        if sku in self.sku_lines:
            problems.append(
                _("sku %(sku)s is already on line %(line)s", sku=sku, line=self.sku_lines[sku])
            )
            return ""
        self.sku_lines[sku] = line
        return sku

    def _product_values(self, cells: dict[str, str], problems: list[str]) -> dict[str, object]:
        values: dict[str, object] = {}
        names = [cells[name] for name in NAME_COLUMNS if name in cells]
        if not any(names):
            problems.append(_("a name is needed in name_vi or name_en"))
        for name in ("name_vi", "name_en", "description_vi", "description_en", "unit"):
            if name in cells:
                values[name] = cells[name]
                limit = TEXT_LIMITS.get(name)
                if limit and len(cells[name]) > limit:
                    problems.append(
                        _(
                            "%(column)s is longer than %(limit)s characters",
                            column=name,
                            limit=limit,
                        )
                    )
        values["price_vnd"] = _whole_number(
            cells["price_vnd"], "price_vnd", problems, minimum=1, maximum=MAX_BIGINT
        )
        values["stock"] = _whole_number(cells["stock"], "stock", problems, maximum=MAX_INT)
        if "weight_g" in cells:
            values["weight_g"] = (
                _whole_number(cells["weight_g"], "weight_g", problems, minimum=1, maximum=MAX_INT)
                if cells["weight_g"]
                else None
            )
        if "category" in cells:
            values["category_id"] = self._category_id(cells["category"], problems)
        return values

    def _category_id(self, slug: str, problems: list[str]) -> int | None:
        if not slug:
            return None
        if slug not in self.categories:
            self.categories[slug] = category_by_slug(slug)
        category = self.categories[slug]
        if category is None:
            problems.append(_("unknown category “%(slug)s”", slug=slug))
            return None
        return category.id

    def _certificate(
        self,
        cells: dict[str, str],
        line: int,
        sku: str,
        product: Product | None,
        problems: list[str],
    ) -> CertificateRow | None:
        given = {name: cells.get(name, "") for name in OCOP_COLUMNS}
        if not any(given.values()):
            return None
        empty = [name for name, value in given.items() if not value]
        if empty:
            problems.append(
                _(
                    "OCOP columns are all or none: %(names)s empty while other OCOP columns "
                    "are filled",
                    names=", ".join(empty),
                )
            )
            return None
        before = len(problems)
        stars_text = given["ocop_stars"]
        stars = int(stars_text) if WHOLE_NUMBER.fullmatch(stars_text) else None
        if stars is None or not 3 <= stars <= 5:
            problems.append(
                _(
                    "ocop_stars must be 3, 4 or 5 (got “%(value)s”): only 3 to 5-star "
                    "products are certified",
                    value=stars_text,
                )
            )
        number, issuer = given["ocop_certificate_no"], given["ocop_issuer"]
        if len(number) > 64:
            problems.append(_("ocop_certificate_no is longer than 64 characters"))
        if len(issuer) > 200:
            problems.append(_("ocop_issuer is longer than 200 characters"))
        issued_on = _iso_date(given["ocop_issued_on"], "ocop_issued_on", problems)
        expires_on = _iso_date(given["ocop_expires_on"], "ocop_expires_on", problems)
        if issued_on and expires_on and expires_on <= issued_on:
            problems.append(
                _(
                    "ocop_expires_on (%(expires)s) must be after ocop_issued_on (%(issued)s)",
                    expires=expires_on.isoformat(),
                    issued=issued_on.isoformat(),
                )
            )
        # Without a usable sku the row's product is unknown, so ownership cannot be judged.
        existing = self._existing_certificate(number, line, product, problems) if sku else None
        if len(problems) > before:
            return None
        return CertificateRow(number, stars, issuer, issued_on, expires_on, existing)

    def _existing_certificate(
        self, number: str, line: int, product: Product | None, problems: list[str]
    ) -> OcopCertificate | None:
        if number in self.certificate_lines:
            problems.append(
                _(
                    "OCOP certificate %(number)s is already on line %(line)s",
                    number=number,
                    line=self.certificate_lines[number],
                )
            )
            return None
        self.certificate_lines[number] = line
        existing = db.session.scalar(
            sa.select(OcopCertificate).where(OcopCertificate.certificate_no == number)
        )
        if existing is None:
            return None
        if product is None or existing.product_id != product.id:
            problems.append(
                _(
                    "OCOP certificate %(number)s belongs to another product (%(owner)s)",
                    number=number,
                    owner=f"{existing.product.shop.slug} / {existing.product.sku}",
                )
            )
            return None
        if existing.status in ("rejected", "revoked"):
            # An import must not quietly undo an admin's decision on a certificate.
            problems.append(
                _(
                    "OCOP certificate %(number)s was %(status)s by an admin; an import cannot "
                    "reinstate it",
                    number=number,
                    status=existing.status,
                )
            )
            return None
        return existing

    def _image(self, relative: str, problems: list[str]) -> Path | None:
        if not relative:
            return None
        # Paths stay inside the CSV's folder, so that a file uploaded through the web later
        # cannot point the importer at any file on the server. Backslashes come from Windows.
        try:
            path = (self.base_dir / relative.replace("\\", "/")).resolve()
        except (OSError, ValueError):
            path = None
        if path is None or Path(relative).is_absolute() or not path.is_relative_to(self.base_dir):
            problems.append(
                _(
                    "image “%(path)s” must be a path inside the CSV file's folder",
                    path=relative,
                )
            )
            return None
        if not path.is_file():
            problems.append(_("image file not found: %(path)s", path=relative))
            return None
        try:
            check_image(path.read_bytes())
        except ImageRejected as error:
            problems.append(_("image %(path)s: %(reason)s", path=relative, reason=error))
            return None
        except OSError as error:
            problems.append(
                _("image %(path)s cannot be read: %(reason)s", path=relative, reason=error.strerror)
            )
            return None
        return path


def _whole_number(
    text: str, column: str, problems: list[str], *, minimum: int = 0, maximum: int
) -> int | None:
    number = int(text) if WHOLE_NUMBER.fullmatch(text) else None
    if number is not None and minimum <= number <= maximum:
        return number
    if number is not None and number > maximum:
        problems.append(_("%(column)s is too large (got “%(value)s”)", column=column, value=text))
    elif minimum:
        problems.append(
            _(
                "%(column)s must be a whole number greater than 0, in digits only "
                "(got “%(value)s”)",
                column=column,
                value=text,
            )
        )
    else:
        problems.append(
            _(
                "%(column)s must be a whole number, 0 or more, in digits only (got “%(value)s”)",
                column=column,
                value=text,
            )
        )
    return None


def _iso_date(text: str, column: str, problems: list[str]) -> date | None:
    try:
        if ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    problems.append(
        _(
            "%(column)s must be a date written YYYY-MM-DD (got “%(value)s”)",
            column=column,
            value=text,
        )
    )
    return None


# --- writing ----------------------------------------------------------------------------


def import_csv(
    path: Path,
    shop: Shop,
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
    progress: Callable[[list], AbstractContextManager[Iterable]] = nullcontext,
) -> ImportReport:
    """Import the products of a CSV file into a shop; one commit, or none.

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
        unit="",
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


# --- command line -----------------------------------------------------------------------


def run_import_command(csv_path: Path, shop_slug: str, *, dry_run: bool, skip_bad: bool) -> None:
    """Run an import for `flask catalog import` and print its report; exit 1 on bad rows.

    Operators read English on the command line, so messages are forced to English whatever
    the default locale is.
    """
    with force_locale("en"):
        shop = shop_by_slug(shop_slug)
        if shop is None:
            raise click.ClickException(f"unknown shop {shop_slug!r}")
        try:
            report = import_csv(
                csv_path, shop, dry_run=dry_run, skip_bad=skip_bad, progress=_progress_bar
            )
        except ImportFileError as error:
            raise click.ClickException(f"{csv_path}: {error}") from None
    _print_report(report, skip_bad)


def _progress_bar(rows: list) -> AbstractContextManager[Iterable]:
    """A bar on a terminal only: in a log or a pipe it would be noise."""
    if not sys.stdout.isatty():
        return nullcontext(rows)
    return click.progressbar(rows, label="Checking rows")


def _print_report(report: ImportReport, skip_bad: bool) -> None:
    for line, message in report.errors:
        click.echo(f"line {line}: {message}", err=True)
    if report.errors and not skip_bad:
        outcome = "the import would write nothing" if report.dry_run else "nothing was imported"
        raise click.ClickException(
            f"{report.skipped} bad row(s), {outcome}; fix them or use --skip-bad"
        )
    if report.dry_run:
        for line, sku, action in report.planned:
            click.echo(f"line {line}: would {action} {sku}")
        summary = f"would create {len(report.created)}, update {len(report.updated)}"
        if report.errors:
            summary += f", skip {report.skipped}"
        click.echo(f"dry run, nothing written: {summary}")
        return
    click.echo(
        f"created {len(report.created)}, updated {len(report.updated)}, skipped {report.skipped}"
    )
