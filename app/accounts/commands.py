import click

from app.accounts import services
from app.models import Role
from app.unit_of_work import CommandGroup

users_cli = CommandGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.BUYER.value,
    show_default=True,
)
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.option("--shop", "shop_slug", default=None, help="Make the user staff of this shop.")
def create_user(email, password, role, name, shop_slug):
    """Create a user account, optionally as staff of a shop."""
    from app.shops import services as shops

    shop = None
    if shop_slug:
        shop = shops.shop_by_slug(shop_slug)
        if shop is None:
            raise click.ClickException(f"no shop with slug {shop_slug!r}")
    try:
        user = services.create_user(email, password, name or email.split("@")[0], role=role)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    if shop:
        shops.add_staff(shop, user)
    click.echo(f"created {role} {user.email}" + (f" (staff of {shop.slug})" if shop else ""))
