import click

from app.orders import services
from app.unit_of_work import CommandGroup

orders_cli = CommandGroup("orders", help="Orders.")


@orders_cli.command("expire")
def expire() -> None:
    """Cancel card and bank-transfer orders not paid in time and put their stock back."""
    count = services.expire_unpaid_orders()
    click.echo(f"{count} unpaid order(s) expired.")
