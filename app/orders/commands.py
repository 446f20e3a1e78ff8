import click
from flask.cli import AppGroup

from app.orders import services

orders_cli = AppGroup("orders", help="Orders.")


@orders_cli.command("expire")
def expire() -> None:
    """Cancel card and bank-transfer orders not paid in time and put their stock back."""
    count = services.expire_unpaid_orders()
    click.echo(f"{count} unpaid order(s) expired.")
