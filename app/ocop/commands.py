import click
from flask import current_app

from app.mail import public_base_url
from app.unit_of_work import CommandGroup

ocop_cli = CommandGroup("ocop", help="OCOP certificates.")


@ocop_cli.command("remind")
@click.option(
    "--base-url",
    default=None,
    show_default="the PUBLIC_BASE_URL setting",
    help="Where the site is served, for the links in the emails.",
)
def remind(base_url: str):
    """Email staff once about each verified certificate that expires within 60 days.

    Safe to run daily (cron): a certificate that was reminded of is not mailed again
    unless its expiry date changes.
    """
    from app.ocop.services import certificates_to_remind, send_expiry_reminder

    sent = 0
    with current_app.test_request_context(base_url=base_url or public_base_url()):
        sent = _remind_all(certificates_to_remind(), send_expiry_reminder)
    click.echo(f"{sent} reminder(s) sent.")


def _remind_all(certificates, send) -> int:
    sent = 0
    for certificate in certificates:
        addresses = send(certificate)
        if addresses:
            sent += 1
            click.echo(
                f"{certificate.certificate_no}: expires {certificate.expires_on.isoformat()}, "
                f"reminded {', '.join(addresses)}"
            )
        else:
            click.echo(
                f"{certificate.certificate_no}: no staff in shop {certificate.product.shop.slug} "
                "to remind (or all turned reminders off); will try again next run",
                err=True,
            )
    return sent
