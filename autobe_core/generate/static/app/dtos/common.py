"""DTOs every module shares: pagination and authorization tokens, and the input types
that keep what a client sends within what the database stores.

``Text`` is a string without NUL characters or lone surrogates (no database column holds
them: PostgreSQL refuses NUL in text, and neither encodes a lone surrogate), ``Timestamp``
a datetime whose UTC time lies within years 1 to 9999 (what every database and Python
itself can convert). Input DTOs use them, so such values answer 422 rather than 500.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

EARLIEST = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)
"""A day inside Python's range at both ends: every time zone's reading of a stored
value stays a valid datetime."""


def storable_text(value: str) -> str:
    """``value`` when a database can store it; a ValueError (422) naming what is wrong."""
    found = UNSTORABLE.search(value)
    if found is not None:
        what = "a NUL character" if found.group() == "\x00" else "a lone surrogate"
        raise ValueError(f"must not contain {what} (position {found.start()})")
    return value


def storable_time(value: datetime.datetime) -> datetime.datetime:
    """``value`` when it lies between years 1 and 9999 in UTC (naive values are UTC)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)
    try:
        inside = EARLIEST <= aware <= LATEST
    except OverflowError:
        inside = False
    if not inside:
        raise ValueError("must lie between 0001-01-02 and 9999-12-30 (UTC)")
    return value


def utc_now() -> datetime.datetime:
    """The current time in UTC: the default of a datetime field whose default is 'now'."""
    return datetime.datetime.now(datetime.UTC)


Text = Annotated[str, AfterValidator(storable_text)]
"""A string a client sends: anything but NUL characters and lone surrogates."""

Timestamp = Annotated[datetime.datetime, AfterValidator(storable_time)]
"""A datetime a client sends: within years 1 to 9999 in UTC."""


class IPageIPagination(BaseModel):
    """Where a page lies in a listing."""

    current: int
    limit: int
    records: int
    pages: int


class IAuthorizationToken(BaseModel):
    """A pair of bearer tokens and when each stops working."""

    access: str
    refresh: str
    expired_at: datetime.datetime
    refreshable_until: datetime.datetime


def make_pagination(current: int, limit: int, records: int) -> IPageIPagination:
    """The pagination of page ``current`` of ``records`` rows, ``limit`` per page."""
    pages = (records + limit - 1) // limit if limit > 0 else 0
    return IPageIPagination(current=current, limit=limit, records=records, pages=pages)
