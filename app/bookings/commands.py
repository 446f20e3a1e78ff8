import click

from app.bookings import services
from app.unit_of_work import CommandGroup

bookings_cli = CommandGroup("bookings", help="Experience and stay bookings.")


@bookings_cli.command("settle")
def settle() -> None:
    """Make bookings payable once their session or night is over."""
    count = services.settle_due()
    click.echo(f"{count} booking(s) settled.")
