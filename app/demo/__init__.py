import time

import click

from app.unit_of_work import CommandGroup

demo_cli = CommandGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed():
    """Load the demo cooperatives, products, OCOP certificates, lots and logins (idempotent)."""
    import sqlalchemy as sa

    from app.demo.data import PASSWORD, USERS
    from app.demo.seed import seed_demo
    from app.extensions import db
    from app.models import User

    started = time.perf_counter()
    report = seed_demo()
    click.echo(
        f"Demo data: created {report.users} users, {report.shops} shops, "
        f"{report.products} products ({report.images} images), "
        f"{report.certificates} OCOP certificates, {report.lots} lots, {report.orders} orders "
        f"in {time.perf_counter() - started:.1f} s."
    )
    roles = {email: role for email, role in db.session.execute(sa.select(User.email, User.role))}
    click.echo(f"Demo logins (password {PASSWORD}):")
    for user in USERS:
        click.echo(f"  {roles[user.email]:<10} {user.email:<22} {user.shop or ''}".rstrip())
