"""DTOs every module shares: pagination and authorization tokens."""

from __future__ import annotations

import datetime

from pydantic import BaseModel


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
