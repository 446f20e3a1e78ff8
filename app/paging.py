"""Paginated HTML lists: the page number from ?page=, and PER_PAGE rows a page."""

from flask import current_app, request

from app.extensions import db

MAX_PAGE = 10_000  # beyond it, an offset only costs the database (and may overflow it)


def page_arg() -> int:
    """?page= as a number from 1 to MAX_PAGE; anything else (text, 0, 10**30) counts as 1."""
    page = request.args.get("page", 1, type=int) or 1
    return page if 1 <= page <= MAX_PAGE else 1


def paginate(query):
    """One page of an HTML list: ?page= as above, PER_PAGE rows (one setting for every list)."""
    return db.paginate(
        query, page=page_arg(), per_page=current_app.config["PER_PAGE"], error_out=False
    )
