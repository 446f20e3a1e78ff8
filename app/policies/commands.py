import click

from app.policies import services
from app.unit_of_work import CommandGroup

policies_cli = CommandGroup("policies", help="Policies of the trading floor.")


@policies_cli.command("announce")
def announce_command():
    """Mail every user the policy versions not yet announced (daily cron; idempotent).

    Publishing from the admin pages announces at once; this sends what a failed job or a
    version written another way left unannounced, moving its effective date on when the
    notice period would otherwise be cut short.
    """
    pending = services.unannounced_versions()
    for version in pending:
        sent = services.announce_version(version.id)
        click.echo(
            f"{version.kind} v{version.version}: {sent} mails, effective "
            f"{version.effective_at.isoformat()}"
        )
    if not pending:
        click.echo("Nothing to announce.")
