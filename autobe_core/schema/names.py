"""The naming convention of every constraint and index: short, stable, portable.

``<prefix>_<table>_<columns>`` when that fits PostgreSQL's 63-character identifier limit;
otherwise the name is cut and ends with ``_`` and the first 8 hex digits of the sha256 of
the full name, so two long names never collide by truncation and the same spec always
gives the same names, on SQLite as on PostgreSQL.

Prefixes: ``pk`` primary key, ``fk`` foreign key, ``ix`` index (the automatic index of a
foreign key too), ``uq`` unique constraint, ``ck`` check constraint (enum values),
``gx`` trigram (GIN) index.
"""

from __future__ import annotations

import hashlib

MAX_IDENTIFIER = 63
"""PostgreSQL's limit (NAMEDATALEN - 1), in bytes; names here are ASCII."""

HASH_DIGITS = 8


def fit(name: str) -> str:
    """``name`` itself when it fits, else a cut of it with a stable hash suffix."""
    if len(name) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:HASH_DIGITS]
    return f"{name[: MAX_IDENTIFIER - HASH_DIGITS - 1].rstrip('_')}_{digest}"


def constraint_name(prefix: str, table: str, *columns: str) -> str:
    return fit("_".join((prefix, table, *columns)))


def primary_key_name(table: str) -> str:
    return constraint_name("pk", table)


def foreign_key_name(table: str, column: str) -> str:
    return constraint_name("fk", table, column)


def index_name(table: str, columns: tuple[str, ...]) -> str:
    return constraint_name("ix", table, *columns)


def unique_name(table: str, columns: tuple[str, ...]) -> str:
    return constraint_name("uq", table, *columns)


def check_name(table: str, column: str) -> str:
    return constraint_name("ck", table, column)


def gin_name(table: str, column: str) -> str:
    return constraint_name("gx", table, column)
