import json
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.files import StorageUnavailable, write_atomically
from app.models import User
from app.payouts import ledger, services
from app.shops.services import shop_by_slug
from app.unit_of_work import CommandGroup

payouts_cli = CommandGroup("payouts", help="Payouts to cooperatives.")


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter("use YYYY-MM-DD, e.g. 2026-11-30", param_hint="--until") from error


@payouts_cli.command("run")
@click.option(
    "--until",
    "until",
    default=None,
    help="Pay sales whose return window ended by this day (YYYY-MM-DD, default today).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be paid; change nothing.")
def run(until: str | None, dry_run: bool) -> None:
    """Create one payout per shop whose available balance reaches its minimum.

    Bank payouts are written to a batch file (CSV) for the operator's bank; Stripe Connect
    payouts are sent at once.
    """
    day = _parse_day(until)
    report = services.run_payouts(services.end_of_day(day) if day else None, dry_run=dry_run)
    title = "Dry run: would pay" if dry_run else "Payouts created"
    click.echo(f"{report.released} sale(s) became available.")
    click.echo(f"{title}: {len(report.payouts)} payout(s), {report.total_vnd} VND in all.")
    for planned in report.payouts:
        ident = f"#{planned.payout_id} " if planned.payout_id else ""
        click.echo(
            f"  {ident}{planned.shop_slug}: {planned.amount_vnd} VND by {planned.method}"
            + ("" if dry_run else f" ({planned.status})")
        )
    for slug, why in report.skipped:
        click.echo(f"  skipped {slug}: {why}")
    if not dry_run:
        write_batch_files()


def write_batch_files() -> None:
    """The bank batch file of every run whose bank payouts wait, if it is not there yet: a
    run interrupted before its file was written (killed, disk full) gets it on the next run.
    Written whole or not at all."""
    folder = Path(current_app.config["PAYOUT_BATCH_DIR"])
    for run_id in services.runs_waiting_for_batch_files():
        path = folder / f"payout-batch-{run_id}.csv"
        if path.exists():
            continue
        try:
            write_atomically(path, services.batch_csv(run_id))
        except StorageUnavailable as error:
            raise click.ClickException(
                f"The payouts are recorded, but the bank batch file could not be written "
                f"({error.strerror}). Make {folder} writable and run `flask payouts run` "
                "again: it writes the missing file and pays nothing twice."
            ) from error
        click.echo(f"Bank batch file: {path}")


@payouts_cli.command("balance")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def balance(slug: str, as_json: bool) -> None:
    """A shop's pending, available and paid-out money, and what it is owed in all."""
    shop = shop_by_slug(slug)
    if shop is None:
        raise click.ClickException(f"No shop {slug!r}.")
    figures = ledger.balance(shop).as_dict()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False))
        return
    for key, value in figures.items():
        click.echo(f"{key}: {value}")


def _payout(payout_id: int):
    payout = services.payout_by_id(payout_id)
    if payout is None:
        raise click.ClickException(f"No payout {payout_id}.")
    return payout


def _operator(email: str) -> User:
    admin = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if admin is None or not admin.is_admin:
        raise click.ClickException(f"{email} is not an admin account.")
    return admin


BY = click.option("--by", "by", required=True, help="Email of the admin recording it (audited).")


@payouts_cli.command("mark-paid")
@click.argument("payout_id", type=int)
@click.option("--reference", required=True, help="The bank's transaction reference.")
@BY
def mark_paid(payout_id: int, reference: str, by: str) -> None:
    """Record that a bank payout left the marketplace's account."""
    try:
        services.mark_paid(_operator(by), _payout(payout_id), reference)
    except services.PayoutError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Payout {payout_id} is paid ({reference.strip()}).")


@payouts_cli.command("mark-failed")
@click.argument("payout_id", type=int)
@click.option("--reason", required=True, help="Why the bank refused or returned it.")
@BY
def mark_failed(payout_id: int, reason: str, by: str) -> None:
    """Record that a payout failed: its money goes back to the shop's available balance."""
    try:
        services.mark_failed(_operator(by), _payout(payout_id), reason)
    except services.PayoutError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Payout {payout_id} failed; its amount is available again.")
