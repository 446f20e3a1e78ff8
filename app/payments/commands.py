from datetime import timedelta

import click

from app.payments import services
from app.unit_of_work import CommandGroup

payments_cli = CommandGroup("payments", help="Card payments and refunds.")


@payments_cli.command("retry-refunds")
@click.option(
    "--older-than",
    "minutes",
    default=5,
    show_default=True,
    help="Only refunds waiting at least this many minutes (one being sent now is left alone).",
)
def retry_refunds(minutes: int) -> None:
    """Send again the card refunds Stripe did not answer (unreachable, timed out, 5xx).

    Each is sent with its own idempotency key, so a refund Stripe did make before the
    connection failed is found, not made twice. Run it from cron every few minutes.
    """
    from app.payouts import services as payouts

    waiting = services.delayed_refunds(timedelta(minutes=minutes))
    sent = 0
    for refund_id in [refund.id for refund in waiting]:
        try:
            refund = services.process_refund(refund_id)
        except services.PaymentError as error:  # Stripe refused it: staff see it as failed
            click.echo(f"refund #{refund_id}: refused by Stripe: {error}")
            continue
        if refund.status == "succeeded":
            sent += 1
            payouts.reverse_transfer_for_refund(refund_id)  # if its money had gone to the shop
        else:
            click.echo(f"refund #{refund_id}: Stripe still unreachable ({refund.error})")
    click.echo(f"{sent} of {len(waiting)} delayed refund(s) sent.")
