import click

from app.privacy import services
from app.unit_of_work import CommandGroup

privacy_cli = CommandGroup("privacy", help="Personal data: retention of sensitive documents.")


@privacy_cli.command("purge-documents")
def purge_documents_command():
    """Remove cooperative registration scans and OCOP scans no longer needed (daily cron).

    A shop's papers go SENSITIVE_DOCUMENT_RETENTION_DAYS after it was verified or refused (the
    verification record keeps what was checked); a certificate's scan as long after it expired
    or was refused.
    """
    documents, scans = services.purge_sensitive_documents()
    click.echo(f"{documents} registration documents and {scans} OCOP scans removed.")
