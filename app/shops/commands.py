import click

from app.shops import services
from app.unit_of_work import CommandGroup

shops_cli = CommandGroup("shops", help="Manage cooperative shops.")


@shops_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The cooperative's name (Vietnamese).")
@click.option("--province", required=True, help='A name ("Đắk Lắk") or slug (dak-lak).')
@click.option("--tax-code", default=None, help="10 digits, or 13 for a branch.")
def create_shop(slug, name, province, tax_code):
    """Create a shop; a shop created by the operator is active at once."""
    found = services.find_province(province)
    if found is None:
        raise click.ClickException(f"unknown province {province!r}")
    try:
        shop = services.create_shop(slug, name, found, tax_code=tax_code)
    except services.ShopError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created shop {shop.slug} in {found.name_vi}")
