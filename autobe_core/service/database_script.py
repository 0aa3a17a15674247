"""Alembic for ``autobe db``, run by ``python -c`` inside the generated backend.

Never imported by autobe: :mod:`autobe_core.service.database` reads this file's text and
runs it in a subprocess whose working directory is ``backend/`` and whose
``AUTOBE_DATABASE_URL`` names the database, so the generated app is imported there (by
Alembic's ``migrations/env.py``) and never into autobe's own process. One action per
run, its result printed as one line ``AUTOBE-DB {json}``:

- ``probe``: the database's migration (``alembic_version``) and tables, without
  importing the app; a SQLite file that does not exist is reported, not created;
- ``upgrade``: ``alembic upgrade head``; the migration before and after, and on failure
  the database's own message and the migration that failed (the migrations run in one
  transaction: a failure leaves the database as it was, which ``after`` shows);
- ``sql FROM TO``: ``alembic upgrade FROM:TO --sql`` (FROM empty: from nothing), the SQL;
  on SQLite, whose batch mode needs live tables, the statements of a real upgrade of a
  scratch database, recorded as they run.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import traceback
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event, inspect, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

MARK = "AUTOBE-DB "


def _reason(exc: BaseException) -> str:
    """The database's own message (the driver's exception, without SQLAlchemy's
    statement and background link)."""
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).split("\n[SQL:", 1)[0]
    return " ".join(line.strip() for line in text.splitlines() if line.strip()) or \
        type(exc).__name__


def _error(kind: str, exc: BaseException) -> dict[str, Any]:
    original = getattr(exc, "orig", None)
    return {"kind": kind, "type": type(original if original is not None else exc).__name__,
            "message": _reason(exc)}


def sqlite_file(url: str) -> str | None:
    """The file a SQLite URL names (None: not SQLite, or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or parsed.query.get("mode") == "memory":
        return None
    return database.removeprefix("file:")


def probe(url: str) -> dict[str, Any]:
    try:
        parsed = make_url(url)
        file = sqlite_file(url)
    except Exception as exc:
        return {"error": _error("url", exc)}
    result: dict[str, Any] = {"dialect": parsed.get_backend_name(), "exists": True,
                              "revision": None, "tables": []}
    if file is not None and not os.path.exists(file):
        result["exists"] = False
        return result
    try:
        engine = create_engine(url, poolclass=NullPool)
    except Exception as exc:
        return {"error": _error("url", exc)}
    try:
        with engine.connect() as connection:
            result["tables"] = sorted(inspect(connection).get_table_names())
            try:
                result["revision"] = MigrationContext.configure(
                    connection).get_current_revision()
            except Exception as exc:
                return {"error": _error("version", exc)}
    except Exception as exc:
        return {"error": _error("unreachable", exc)}
    finally:
        engine.dispose()
    return result


def failed_migration(exc: BaseException) -> str | None:
    """The migration whose script raised ``exc`` (its file in migrations/versions/)."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        path = os.path.normpath(frame.filename)
        if os.path.basename(os.path.dirname(path)) == "versions":
            found = os.path.splitext(os.path.basename(path))[0]
    return found


def upgrade(url: str) -> dict[str, Any]:
    before = probe(url)
    if "error" in before:
        return before
    result: dict[str, Any] = {"before": before["revision"]}
    try:  # a database that cannot be opened is no failed migration
        engine = create_engine(url, poolclass=NullPool)
        try:
            engine.connect().close()
        finally:
            engine.dispose()
    except Exception as exc:
        return {"error": _error("unreachable", exc)}
    try:
        command.upgrade(Config("alembic.ini"), "head")
    except Exception as exc:
        result["error"] = _error("migration", exc)
        result["error"]["migration"] = failed_migration(exc)
    result["after"] = probe(url).get("revision")
    return result


def sql(url: str, start: str, end: str) -> dict[str, Any]:
    if make_url(url).get_backend_name() == "sqlite":
        return sqlite_sql(start, end)
    buffer = io.StringIO()
    config = Config("alembic.ini", output_buffer=buffer)
    try:
        command.upgrade(config, f"{start}:{end}" if start else end, sql=True)
    except Exception as exc:
        return {"error": _error("sql", exc)}
    return {"sql": buffer.getvalue()}


SQLITE_HEADER = """\
-- SQLite: the statements an upgrade ran on a scratch database, captured as they ran.
-- SQLite alters a table by copying it (Alembic's batch mode), which needs the live
-- table, so this is recorded from a real upgrade rather than written offline.
"""


def sqlite_sql(start: str, end: str) -> dict[str, Any]:
    """The SQL of ``start``..``end`` on SQLite: a scratch database is upgraded to
    ``start``, then every statement of the upgrade to ``end`` is recorded (reflection
    queries left out)."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
               executemany: bool) -> None:
        text = statement.strip()
        if text.split(None, 1)[0].upper() in ("SELECT", "PRAGMA"):
            return
        if parameters:
            text += f"  -- parameters: {parameters!r}"
        statements.append(text + ";")

    with tempfile.TemporaryDirectory() as scratch:
        config = Config("alembic.ini")
        config.set_main_option("sqlalchemy.url", f"sqlite:///{scratch}/review.db")
        try:
            if start:
                command.upgrade(config, start)
            event.listen(Engine, "before_cursor_execute", record)
            try:
                command.upgrade(config, end)
            finally:
                event.remove(Engine, "before_cursor_execute", record)
        except Exception as exc:
            return {"error": _error("sql", exc)}
    return {"sql": SQLITE_HEADER + "\n".join(statements) + "\n"}


def main(argv: list[str]) -> dict[str, Any]:
    url = os.environ["AUTOBE_DATABASE_URL"]
    action = argv[0] if argv else ""
    if action == "probe":
        return probe(url)
    if action == "upgrade":
        return upgrade(url)
    if action == "sql" and len(argv) == 3:
        return sql(url, argv[1], argv[2])
    return {"error": {"kind": "usage", "type": "usage", "message": f"unknown action {argv!r}"}}


if __name__ == "__main__":
    print(MARK + json.dumps(main(sys.argv[1:])), flush=True)
