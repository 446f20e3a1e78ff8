from pathlib import Path

import click

from app.unit_of_work import CommandGroup

catalog_cli = CommandGroup("catalog", help="Manage the product catalog.")


@catalog_cli.command("import")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--shop", "shop_slug", required=True, help="Slug of the shop the products belong to.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, write nothing.")
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some are bad.")
def import_products(csv_path: Path, shop_slug: str, dry_run: bool, skip_bad: bool):
    """Import or update products from a CSV file (upsert by sku within the shop)."""
    from app.catalog.importer import run_import_command

    run_import_command(csv_path, shop_slug, dry_run=dry_run, skip_bad=skip_bad)
