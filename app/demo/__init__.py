import time

import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed():
    """Load the demo cooperatives, products, OCOP certificates, lots and logins (idempotent)."""
    from app.demo.data import PASSWORD, USERS
    from app.demo.seed import seed_demo

    started = time.perf_counter()
    report = seed_demo()
    click.echo(
        f"Demo data: created {report.users} users, {report.shops} shops, "
        f"{report.products} products ({report.images} images), "
        f"{report.certificates} OCOP certificates, {report.lots} lots in {time.perf_counter() - started:.1f} s."
    )
    click.echo(f"Demo logins (password {PASSWORD}):")
    for user in USERS:
        click.echo(f"  {user.role:<10} {user.email:<22} {user.shop or ''}".rstrip())
