"""Chợ HTX: a bilingual marketplace for Vietnamese cooperatives."""

from pathlib import Path

from flask import Flask

from config import BASE_DIR, INSTANCE_DIR, Config, config_from_environment


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_from_environment())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_template_names(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from app import i18n, unit_of_work
    from app.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    # First registered, so its after_request hook runs last: it commits the finished response.
    unit_of_work.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    from app import database, jobs, media, page_cache, search, security

    database.init_app(app)
    jobs.init_app(app)
    page_cache.init_app(app)  # before security wraps the WSGI app in ProxyFix
    security.init_app(app)
    media.init_app(app)
    search.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.accounts import bp as accounts_bp
    from app.catalog import bp as catalog_bp
    from app.main import bp as main_bp
    from app.shops import bp as shops_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp, url_prefix="/<lang_code>")
    app.register_blueprint(shops_bp, url_prefix="/<lang_code>")
    app.register_blueprint(catalog_bp, url_prefix="/<lang_code>")
    from app.api import bp as api_bp
    from app.search.routes import bp as search_bp

    app.register_blueprint(search_bp, url_prefix="/<lang_code>")
    app.register_blueprint(api_bp, url_prefix="/api/v1")  # no locale: ?lang= instead
    from app.orders import bp as orders_bp
    from app.payments import bp as payments_bp

    app.register_blueprint(orders_bp, url_prefix="/<lang_code>")
    app.register_blueprint(payments_bp)  # the webhook has no locale; its pages carry their own
    from app.fairs import bp as fairs_bp

    app.register_blueprint(fairs_bp, url_prefix="/<lang_code>")
    from app.admin import bp as admin_bp
    from app.reports import bp as reports_bp
    from app.reviews import bp as reviews_bp

    for bp in (admin_bp, reports_bp, reviews_bp):
        app.register_blueprint(bp, url_prefix="/<lang_code>")
    from app.notifications import bp as notifications_bp
    from app.payouts import bp as payouts_bp

    app.register_blueprint(notifications_bp, url_prefix="/<lang_code>")

    app.register_blueprint(payouts_bp, url_prefix="/<lang_code>")
    from app.ocop import bp as ocop_bp
    from app.ocop import feeds_bp as ocop_feeds_bp
    from app.trace import bp as trace_bp
    from app.trace import gs1_bp as trace_gs1_bp

    app.register_blueprint(ocop_bp, url_prefix="/<lang_code>")
    app.register_blueprint(ocop_feeds_bp)  # feeds and badges: no locale, ?lang= instead
    app.register_blueprint(trace_bp, url_prefix="/<lang_code>")
    app.register_blueprint(trace_gs1_bp)  # GS1 Digital Link paths printed in QR codes
    from app.policies import bp as policies_bp

    app.register_blueprint(policies_bp, url_prefix="/<lang_code>")
    from app.privacy import bp as privacy_bp

    app.register_blueprint(privacy_bp, url_prefix="/<lang_code>")
    from app.tax import bp as tax_bp

    app.register_blueprint(tax_bp, url_prefix="/<lang_code>")


def register_template_names(app: Flask) -> None:
    from app import templating

    templating.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from app.main import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from app.accounts.commands import users_cli
    from app.catalog.commands import catalog_cli
    from app.demo import demo_cli
    from app.i18n import translate_cli
    from app.shops.commands import shops_cli

    for group in (users_cli, shops_cli, catalog_cli, demo_cli, translate_cli):
        app.cli.add_command(group)
    from app.orders.commands import orders_cli

    app.cli.add_command(orders_cli)
    from app.bookings.commands import bookings_cli

    app.cli.add_command(bookings_cli)
    from app.payments.commands import payments_cli

    app.cli.add_command(payments_cli)
    from app.search.commands import search_cli

    app.cli.add_command(search_cli)
    from app.admin.commands import stats_cli

    app.cli.add_command(stats_cli)
    from app.payouts.commands import payouts_cli

    app.cli.add_command(payouts_cli)
    from app.ocop.commands import ocop_cli

    app.cli.add_command(ocop_cli)
    from app.jobs import jobs_cli
    from app.maintenance import backup_command, restore_command

    app.cli.add_command(jobs_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from app.policies.commands import policies_cli

    app.cli.add_command(policies_cli)
    from app.privacy.commands import privacy_cli

    app.cli.add_command(privacy_cli)
    from app.tax.commands import tax_cli

    app.cli.add_command(tax_cli)
