"""Locale in the URL (/vi/..., /en/...), Babel wiring, money and bilingual fields."""

import functools
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path

import click
import flask_babel
from babel.numbers import format_currency, format_decimal
from flask import Flask, abort, current_app, g, has_request_context, request, url_for
from flask.cli import AppGroup
from flask_babel import get_locale, refresh
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from app.extensions import babel
from config import BASE_DIR

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def current_lang() -> str:
    return g.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    if not has_request_context():  # operator commands speak English, like flask's own CLI
        return "en"
    if "lang" in g:
        return g.lang
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "vi"


def format_vnd(amount_vnd: int, lang: str | None = None) -> str:
    """150.000 ₫ in Vietnamese, ₫150,000 in English: VND has no minor unit."""
    return _format_vnd(amount_vnd, lang or current_lang())


@functools.lru_cache(maxsize=4096)
def _format_vnd(amount_vnd: int, lang: str) -> str:
    return format_currency(amount_vnd, "VND", locale=lang)  # slow-ish, and prices repeat


# Dates in one form per language, with four-digit years and the day order spelled out where it
# could be mistaken: 02/12/2026 is 2 December in Vietnam, so English says "2 Dec 2026".
# Times are 24-hour, in Vietnam's time zone (BABEL_DEFAULT_TIMEZONE).
DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
DATETIME_PATTERNS = {"vi": "HH:mm dd/MM/yyyy", "en": "d MMM yyyy, HH:mm"}
TIME_PATTERN = "HH:mm"


def _locale_lang() -> str:
    """The language being written: the page's, or the one a mail is forced into."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in DATE_PATTERNS else "vi"


def format_number(value, lang: str | None = None, grouping: bool = True) -> str:
    """10.000.000.000 in Vietnamese, 10,000,000,000 in English (grouping=False: 2026)."""
    return format_decimal(value, locale=lang or _locale_lang(), group_separator=grouping)


def format_date(value: date | datetime, *_style) -> str:
    """Vietnamese 02/12/2026, English 2 Dec 2026 (of a datetime: its day in Vietnam).

    `_style` takes Flask-Babel's "short"/"medium" that older templates pass: ignored, the
    site writes dates one way.
    """
    return flask_babel.format_date(value, DATE_PATTERNS[_locale_lang()])


def format_datetime(value: datetime, *_style) -> str:
    """Vietnamese 14:30 02/12/2026, English 2 Dec 2026, 14:30; in Vietnam's time."""
    return flask_babel.format_datetime(value, DATETIME_PATTERNS[_locale_lang()])


def format_time(value: datetime | time, *_style) -> str:
    return flask_babel.format_time(value, TIME_PATTERN)


def datetime_attribute(moment) -> str:
    """A <time datetime> value: HTML allows at most milliseconds, so whole seconds here."""
    return moment.isoformat(timespec="seconds")


def localized(obj, field: str, lang: str | None = None) -> tuple[str, bool]:
    """The field in the wanted language, or the other one and True when it fell back."""
    lang = lang or current_lang()
    other = "en" if lang == "vi" else "vi"
    value = getattr(obj, f"{field}_{lang}", None)
    if value:
        return value, False
    return getattr(obj, f"{field}_{other}", None) or "", True


def tr(obj, field: str) -> str:
    return localized(obj, field)[0]


def tr_marked(obj, field: str) -> Markup:
    """The text, marked with the language it is really in when it fell back."""
    value, fell_back = localized(obj, field)
    if not fell_back or not value:
        return Markup.escape(value)
    other = "en" if current_lang() == "vi" else "vi"
    return Markup('<span lang="{}">{}</span>').format(other, value)


def has_fallback(obj, *fields: str) -> bool:
    return any(localized(obj, field)[1] and localized(obj, field)[0] for field in fields)


def switch_language_to(endpoint: str, **values) -> None:
    """Name the page a language switch opens when this response answers a form post that
    cannot be repeated as a GET (a refused "add to cart" shows the product page)."""
    g.lang_switch = (endpoint, values)


def url_for_lang(lang: str, external: bool = False) -> str:
    """The current page in another language (keeps path arguments and the query).

    A page that answers a POST-only URL (a refused form) switches to a page that can be
    opened: the one its view named, else the nearest page up its path (/cart/update →
    /cart, /orders/N/cancel → /orders/N), else the home page; never a URL that answers 405.
    """
    rule = request.url_rule
    if request.endpoint and rule and "lang_code" in rule.arguments:
        if "GET" in (rule.methods or ()):
            # Query keys like _external or _scheme would be taken as url_for's own options.
            query = {k: v for k, v in request.args.items() if not k.startswith("_")}
            args = {**query, **(request.view_args or {})}
            args["lang_code"] = lang
            return url_for(request.endpoint, **args, _external=external)
        if "lang_switch" in g:
            endpoint, values = g.lang_switch
            return url_for(endpoint, **{**values, "lang_code": lang}, _external=external)
        found = _get_page_above(lang)
        if found:
            endpoint, values = found
            return url_for(endpoint, **values, _external=external)
    return url_for("main.home", lang_code=lang, _external=external)


def _get_page_above(lang: str) -> tuple[str, dict] | None:
    """The endpoint and arguments of the nearest GET page whose path is a prefix of this one."""
    adapter = current_app.url_map.bind("localhost")
    segments = request.path.rstrip("/").split("/")
    if len(segments) > 1:
        segments[1] = lang
    while len(segments) > 2:
        segments.pop()
        try:
            endpoint, values = adapter.match("/".join(segments), method="GET")
        except HTTPException:
            continue
        return endpoint, values
    return None


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        # Babel caches the locale on g; drop it so it is chosen for this request
        # (tests keep one app context across several requests).
        g.pop("lang", None)
        refresh()
        if values and "lang_code" in values:
            lang = values.pop("lang_code")
            if lang not in app.config["LANGUAGES"]:
                abort(404)
            g.lang = lang

    @app.url_defaults
    def add_lang(endpoint, values):
        if "lang_code" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            return
        values["lang_code"] = g.get("lang") or select_locale()

    app.jinja_env.globals.update(
        current_lang=current_lang,
        url_for_lang=url_for_lang,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        tr=tr,
        tr_marked=tr_marked,
        has_fallback=has_fallback,
        get_locale=get_locale,
    )
    app.jinja_env.filters["vnd"] = format_vnd
    app.jinja_env.filters["datetime_attribute"] = datetime_attribute
    # In place of Flask-Babel's filters of the same names, whose 'short' English is 12/2/26.
    app.jinja_env.filters.update(
        dateformat=format_date, datetimeformat=format_datetime, timeformat=format_time
    )


translate_cli = AppGroup("translate", help="Translation and localization commands.")


# Lazy strings in forms: _l(message) and, where one English word has several meanings,
# _lp(context, message) (flask_babel.lazy_pgettext).
EXTRACT = ("extract", "-F", "babel.cfg", "-k", "_l", "-k", "_lp:1c,2", "-o", "messages.pot", ".")


def _pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=BASE_DIR
    )


@translate_cli.command("update")
def translate_update() -> None:
    """Extract strings and merge them into every catalog; English msgstr defaults to msgid."""
    _pybabel(*EXTRACT)
    _pybabel("update", "-i", "messages.pot", "-d", "translations", "--no-fuzzy-matching")
    Path(BASE_DIR, "messages.pot").unlink()
    fill_english_catalog(BASE_DIR / "translations" / "en" / "LC_MESSAGES" / "messages.po")


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile every catalog to .mo files."""
    _pybabel("compile", "-d", "translations")


@translate_cli.command("init")
@click.argument("lang")
def translate_init(lang: str) -> None:
    """Start a catalog for a new language."""
    _pybabel(*EXTRACT)
    _pybabel("init", "-i", "messages.pot", "-d", "translations", "-l", lang)
    Path(BASE_DIR, "messages.pot").unlink()


def fill_english_catalog(path: Path) -> None:
    """Source strings are English, so the en catalog copies each msgid into its empty msgstr."""
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = (message.id[0], message.id[1])
        elif not message.string:
            message.string = message.id
    with path.open("wb") as f:
        write_po(f, catalog, width=0)
