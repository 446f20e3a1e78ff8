from pathlib import Path

import click

from app.admin import stats
from app.shops.services import find_province
from app.unit_of_work import CommandGroup

stats_cli = CommandGroup("stats", help="Province statistics for provincial reports.")


@stats_cli.command("report")
@click.option("--province", "province_name", required=True, help="Slug or name: dak-lak.")
@click.option("--period", default=None, help="2026H1, 2026H2 or 2026.")
@click.option(
    "--from", "first", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First day, included."
)
@click.option(
    "--to", "last", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last day, included."
)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="CSV file to write (default: stats-PROVINCE-PERIOD.csv; - for standard output).",
)
def report(province_name, period, first, last, lang, output):
    """Write a province's figures for a period (six-monthly: --period 2026H1) as CSV.

    The columns are those of the statistics page and its CSV export.
    """
    from flask_babel import force_locale

    province = find_province(province_name)
    if province is None:
        raise click.ClickException(f"unknown province {province_name!r} (use a slug: dak-lak)")
    try:
        if period and (first or last):
            raise click.ClickException("give --period or --from/--to, not both")
        if period:
            chosen = stats.parse_period(period)
        elif first and last:
            chosen = stats.period_between(first.date(), last.date())
        else:
            raise click.ClickException("give --period 2026H1 or both --from and --to")
    except stats.PeriodError as error:
        raise click.ClickException(str(error)) from None
    name = period.upper() if period else chosen.label
    with force_locale(lang):
        result = stats.table(chosen, lang, province)
    if output == "-":
        with click.open_file("-", "w") as out:
            stats.write_csv(result, out)
        return
    path = Path(output or f"stats-{province.slug}-{name}.csv")
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        stats.write_csv(result, out)
    click.echo(f"wrote {path} ({province.slug}, {chosen.first} to {chosen.last})")
