from pathlib import Path

import click

from app.tax import services
from app.unit_of_work import CommandGroup

tax_cli = CommandGroup("tax", help="The floor's tax filings (CSV).")


def _write(text: str, output: str | None) -> None:
    if output in (None, "-"):
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Written to {output}.", err=True)


@tax_cli.command("declaration")
@click.option("--month", required=True, help="YYYY-MM, in Vietnam time.")
@click.option("--output", help="File to write; standard output by default.")
def declaration_command(month: str, output: str | None):
    """The monthly declaration of VAT and PIT withheld from household and individual sellers:
    one row per seller (tax code or ID number, revenue, tax withheld), refunds offset."""
    parsed = services.parse_month(month)
    if parsed is None:
        raise click.BadParameter("use YYYY-MM", param_hint="--month")
    _write(services.declaration_csv(*parsed), output)


@tax_cli.command("sellers")
@click.option("--quarter", required=True, help="YYYYQn, e.g. 2026Q4.")
@click.option("--output", help="File to write; standard output by default.")
def sellers_command(quarter: str, output: str | None):
    """The quarterly information on every seller for the tax authority (Decree 91/2022)."""
    parsed = services.parse_quarter(quarter)
    if parsed is None:
        raise click.BadParameter("use YYYYQn, e.g. 2026Q4", param_hint="--quarter")
    _write(services.sellers_csv(*parsed), output)
