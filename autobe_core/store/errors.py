"""Storage failures as autobe errors: the storage boundary.

The drivers under the store (sqlite3, psycopg, eventsourcing's recorders),
zlib and json raise their own exceptions, which say nothing a user can act on
(``IndexError: pop from an empty deque`` while a connection to a malformed file is being
made; ``OperationalError: disk I/O error`` on a full disk). :func:`storage_errors` wraps
the code that touches the store (the blob store, the module index, the event store, the
opening of a storage) and turns each into one :class:`StoreError` saying what is wrong
and what to do:

==================  ===========================================================
:class:`StoreFull`     the disk under the store has no space left
:class:`StoreDamaged`  the database (or a stored blob) cannot be read back
:class:`StoreUnavailable`  the store cannot be opened, reached or written
==================  ===========================================================

A failed write stored nothing: every save is one transaction.
"""

from __future__ import annotations

import errno
import json
import shutil
import sqlite3
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eventsourcing.persistence import IntegrityError, PersistenceError

from autobe_core.errors import AutobeError

LOW_SPACE = 1 << 20
"""Bytes free below which a write failure is taken for a full disk."""

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
DENIED_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})


class StoreError(AutobeError):
    """The blob store, the module index or the event store cannot be used as it is."""

    hint = "the project's store is damaged; restore its .autobe/ directory from a backup"


class StoreDamaged(StoreError):
    """What the store holds cannot be read back (a malformed database, a blob that does
    not decompress)."""

    hint = (
        "restore the project's .autobe/ directory (or its database) from a backup; "
        "nothing was changed, backend/ is as it was"
    )


class StoreFull(StoreError):
    """The disk holding the store has no space left; the write stored nothing."""

    hint = "free some disk space, then run the command again (nothing was recorded)"


class StoreUnavailable(StoreError):
    """The store cannot be opened, reached or written (permissions, a lock, a server)."""

    hint = (
        "check that the store exists and is writable (permissions, disk, database "
        "server), then run the command again"
    )


DAMAGED_WORDS = ("malformed", "not a database", "file is encrypted", "corrupt")
FULL_WORDS = ("database or disk is full", "no space left", "disk quota")
DENIED_WORDS = ("readonly database", "read-only", "permission denied", "unable to open")

CAUGHT: tuple[type[BaseException], ...] = (
    sqlite3.Error,
    PersistenceError,
    zlib.error,
    json.JSONDecodeError,
    UnicodeDecodeError,
    OSError,
)
"""What the storage boundary translates (anything else passes through unchanged),
besides the errors of the drivers in :data:`LOADED_DRIVERS`."""

LOADED_DRIVERS = {"psycopg": "Error"}
"""Drivers whose errors the boundary translates once they are imported (module -> base
error class). Looked up in ``sys.modules``: an error of a driver never imported cannot
be raised, and importing one only to catch its errors would cost every command."""


def caught() -> tuple[type[BaseException], ...]:
    """:data:`CAUGHT` and the base errors of the :data:`LOADED_DRIVERS` imported so far."""
    drivers = tuple(
        getattr(module, name)
        for module, name in ((sys.modules.get(m), n) for m, n in LOADED_DRIVERS.items())
        if module is not None and isinstance(getattr(module, name, None), type)
    )
    return CAUGHT + drivers


def detail_of(exc: BaseException) -> str:
    """The driver's own words: the innermost cause's first line (without SQL)."""
    inner: BaseException = exc
    seen: set[int] = set()
    while id(inner) not in seen:
        seen.add(id(inner))
        nxt = getattr(inner, "orig", None) or inner.__cause__
        if not isinstance(nxt, BaseException):
            break
        inner = nxt
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__


def low_on_space(where: Path | None) -> bool:
    """Whether the filesystem holding ``where`` (or its nearest existing parent) has
    (almost) no space left."""
    if where is None:
        return False
    for candidate in (where, *where.parents):
        if candidate.exists():
            try:
                return shutil.disk_usage(candidate).free < LOW_SPACE
            except OSError:
                return False
    return False


def translate(exc: BaseException, location: str, path: Path | None = None) -> StoreError:
    """``exc`` (one of :data:`CAUGHT`) as the :class:`StoreError` that says what to do;
    ``location`` names the store for the message, ``path`` is where its file lives
    (SQLite), to tell a full disk from other write failures."""
    detail = detail_of(exc)
    lowered = detail.lower()
    code = exc.errno if isinstance(exc, OSError) else None
    if code in FULL_ERRNOS or any(w in lowered for w in FULL_WORDS) or (
        ("i/o error" in lowered or isinstance(exc, OSError)) and low_on_space(path)
    ):
        return StoreFull(f"the disk holding the project's store ({location}) is full: {detail}")
    if isinstance(exc, zlib.error | json.JSONDecodeError | UnicodeDecodeError) or any(
        w in lowered for w in DAMAGED_WORDS
    ):
        return StoreDamaged(f"the project's store ({location}) is damaged: {detail}")
    if "locked" in lowered:
        return StoreUnavailable(
            f"the project's store ({location}) is locked by another process: {detail}",
            "wait for the other process to finish, then run the command again",
        )
    if code in DENIED_ERRNOS or any(w in lowered for w in DENIED_WORDS):
        return StoreUnavailable(f"cannot open or write the project's store ({location}): {detail}")
    return StoreUnavailable(f"the project's store ({location}) failed: {detail}")


@contextmanager
def storage_errors(location: str, path: Path | None = None) -> Iterator[None]:
    """Run the block at the storage boundary: a driver, zlib, json or OS error becomes a
    :class:`StoreError` (see :func:`translate`). autobe's own errors and eventsourcing's
    :class:`IntegrityError` (a lost race, which the history reports) pass through."""
    try:
        yield
    except (AutobeError, IntegrityError):
        raise
    except BaseException as exc:
        if not isinstance(exc, caught()):
            raise
        raise translate(exc, location, path) from exc


class DiskFull(AutobeError):
    """A write outside the store (the workspace, a staging tree) found no space left."""

    hint = "free some disk space, then run the command again"


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` is the operating system saying the disk (or quota) is full."""
    return isinstance(exc, OSError) and exc.errno in FULL_ERRNOS
