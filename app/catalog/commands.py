"""`flask catalog ...`: the command-line face of the catalog, and all of its printing."""

import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import click
from flask_babel import force_locale

from app.unit_of_work import CommandGroup

catalog_cli = CommandGroup("catalog", help="Manage the product catalog.")


@catalog_cli.command("import")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--shop", "shop_slug", required=True, help="Slug of the shop the products belong to.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, write nothing.")
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some are bad.")
def import_products(csv_path: Path, shop_slug: str, dry_run: bool, skip_bad: bool):
    """Import or update products from a CSV file (upsert by sku within the shop)."""
    from app.catalog.importer import import_csv
    from app.catalog.product_csv import ImportFileError
    from app.shops.services import shop_by_slug

    # Operators read English on the command line, whatever the default locale is.
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


def _print_report(report, skip_bad: bool) -> None:
    """The import's report; bad rows make the command fail (exit 1), which rolls it back."""
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
