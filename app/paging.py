"""The page number of a paginated HTML list, from ?page=."""

from flask import request

MAX_PAGE = 10_000  # beyond it, an offset only costs the database (and may overflow it)


def page_arg() -> int:
    """?page= as a number from 1 to MAX_PAGE; anything else (text, 0, 10**30) counts as 1."""
    page = request.args.get("page", 1, type=int) or 1
    return page if 1 <= page <= MAX_PAGE else 1
