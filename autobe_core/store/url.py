"""Database URLs read exactly as SQLAlchemy's ``make_url`` reads them, without importing
SQLAlchemy (0.3 s a command): the same pattern, percent-decoding of the user name,
password and database, and query parsing (blank values dropped, a repeated key kept as a
tuple). :func:`render` writes one back as ``URL.render_as_string`` does, for messages.
``tests/unit/test_store_url.py`` checks both against SQLAlchemy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, quote_plus, unquote

from autobe_core.errors import AutobeError

PATTERN = re.compile(
    r"""
        (?P<name>[\w\+]+)://
        (?:
            (?P<username>[^:/]*)
            (?::(?P<password>[^@]*))?
        @)?
        (?:
            (?:
                \[(?P<ipv6host>[^/\?]+)\] |
                (?P<ipv4host>[^/:\?]+)
            )?
            (?::(?P<port>[^/\?]*))?
        )?
        (?:/(?P<database>[^\?]*))?
        (?:\?(?P<query>.*))?
    """,
    re.X,
)
"""SQLAlchemy's URL pattern (``sqlalchemy.engine.url._parse_url``)."""


class BadURL(AutobeError, ValueError):
    """Not a URL of the form ``driver://[user[:password]@][host][:port][/database][?query]``
    (the storage configuration says what is allowed: StorageConfigError)."""


@dataclass(frozen=True)
class URL:
    """The parts of a database URL (None: absent)."""

    drivername: str
    username: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    query: dict[str, str | tuple[str, ...]] = field(default_factory=dict)


def parse_url(text: str) -> URL:
    """``text`` as a :class:`URL` (:class:`BadURL` when it is none)."""
    found = PATTERN.match(text)
    if found is None:
        raise BadURL(f"not a database URL: {text!r}")
    parts = found.groupdict()
    query: dict[str, str | tuple[str, ...]] = {}
    for key, value in parse_qsl(parts["query"] or ""):
        held = query.get(key)
        query[key] = value if held is None else (
            (*held, value) if isinstance(held, tuple) else (held, value))
    port = parts["port"]
    try:
        number = None if port is None else int(port)
    except ValueError:
        raise BadURL(f"the port of {text!r} is not a number: {port!r}") from None
    return URL(
        parts["name"],
        username=_unquoted(parts["username"]),
        password=_unquoted(parts["password"]),
        host=parts["ipv4host"] or parts["ipv6host"],
        port=number,
        database=_unquoted(parts["database"]),
        query=query,
    )


def _unquoted(part: str | None) -> str | None:
    return None if part is None else unquote(part)


def render(url: URL) -> str:
    """``url`` as text, the password hidden (``URL.render_as_string()``)."""
    text = url.drivername + "://"
    if url.username is not None:
        text += quote(url.username, safe=" +")
        if url.password is not None:
            text += ":***"
        text += "@"
    if url.host is not None:
        text += f"[{url.host}]" if ":" in url.host else url.host
    if url.port is not None:
        text += f":{url.port}"
    if url.database is not None:
        text += "/" + quote(url.database, safe=" +/")
    if url.query:
        text += "?" + "&".join(
            f"{quote_plus(key)}={quote_plus(value)}"
            for key in sorted(url.query)
            for value in _values(url.query[key])
        )
    return text


def _values(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)
