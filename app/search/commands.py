import click

from app import search
from app.unit_of_work import CommandGroup

search_cli = CommandGroup("search", help="The product search index.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the database.

    The new index is built beside the live one, which keeps answering searches until the
    new one is complete; changes saved meanwhile are applied to it before it goes live.
    """
    total = search.public_product_count()
    with click.progressbar(length=total, label="Indexing products", show_pos=True) as bar:
        count = search.reindex(progress=bar.update)
    click.echo(f"Indexed {count} products.")
