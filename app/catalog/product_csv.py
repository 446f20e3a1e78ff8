"""The product CSV (docs: "Product CSV"): reading the file and checking every row into a
plan of what to write, with each bad row's line number and reasons. Nothing here writes.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalog.services import category_by_slug, product_by_sku
from app.extensions import db
from app.media import ImageRejected, check_image
from app.models import Category, OcopCertificate, Product, Shop
from app.text import nfc

PRODUCT_COLUMNS = (
    "name_vi",
    "name_en",
    "description_vi",
    "description_en",
    "category",
    "price_vnd",
    "stock",
    "unit",  # in Vietnamese, like the first version of the file
    "unit_en",
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


TEXT_LIMITS = {"name_vi": 200, "name_en": 200, "unit": 40, "unit_en": 40}  # the models' sizes
# CSV columns whose product field has another name: `unit` is the Vietnamese unit.
FIELD_OF_COLUMN = {"unit": "unit_vi"}


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (encoding, header, no rows); nothing was written."""


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
        for name in ("name_vi", "name_en", "description_vi", "description_en", "unit", "unit_en"):
            if name in cells:
                values[FIELD_OF_COLUMN.get(name, name)] = cells[name]
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
