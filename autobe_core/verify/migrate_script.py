"""The migrate rung's work, run by ``python -c`` inside a generated workspace.

Never imported by autobe: :mod:`autobe_core.verify.migrate` reads this file's text and
runs it in a subprocess whose working directory is the workspace (its ``app`` package is
imported there, and only there). It uses the workspace's ``alembic.ini`` and the
database named by ``AUTOBE_DATABASE_URL`` (empty when it starts), and walks the phases:

1. ``upgrade``: ``alembic upgrade head``, every migration from the empty database;
2. ``compare``: ``compare_metadata`` of the migrated database against the models'
   metadata (``app.db.Base`` after importing ``app.models``) must find no difference;
3. ``downgrade``: ``alembic downgrade base``, which must leave none of the models' tables;
4. ``upgrade again``: ``alembic upgrade head`` once more, compared again.

It stops at the first phase that fails and prints one line, ``AUTOBE-MIGRATE {json}``:
the seconds of each phase run, the migrations walked, the differences found (as plain
data), and the exception that stopped a phase (with its traceback).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import time
import traceback
from collections.abc import Callable
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, inspect
from sqlalchemy.pool import NullPool

MARK = "AUTOBE-MIGRATE "


def metadata() -> MetaData:
    """Every table of the models (``app.db.Base.metadata``)."""
    if importlib.util.find_spec("app.models") is not None:
        importlib.import_module("app.models")
    found = importlib.import_module("app.db").Base.metadata
    assert isinstance(found, MetaData)
    return found


def _text(value: Any) -> str:
    """A type, default or constraint as SQL-ish text for people."""
    if value is None:
        return "none"
    arg = getattr(value, "arg", None)  # a server default
    if arg is not None:
        return str(getattr(arg, "text", arg))
    return str(value)


def _columns(item: Any) -> list[str]:
    return [str(getattr(c, "name", c)) for c in getattr(item, "columns", ())]


def describe(diff: Any) -> dict[str, Any]:
    """One difference of ``compare_metadata`` as plain data."""
    if isinstance(diff, list):  # modify_*: one column, one or more attributes
        first = diff[0]
        return {"op": "modify_column", "table": first[2], "column": first[3], "changes": [
            {"what": change[0].removeprefix("modify_"), "database": _text(change[5]),
             "models": _text(change[6])} for change in diff]}
    op = str(diff[0])
    if op in ("add_table", "remove_table"):
        return {"op": op, "table": diff[1].name}
    if op in ("add_column", "remove_column"):
        column = diff[3]
        return {"op": op, "table": diff[2], "column": column.name,
                "definition": f"{column.name} {column.type}"
                              f"{'' if column.nullable else ' NOT NULL'}"}
    item = diff[1]
    table = getattr(item, "table", None)
    return {"op": op, "table": getattr(table, "name", None), "name": getattr(item, "name", None),
            "columns": _columns(item)}


def differences(url: str, target: MetaData) -> list[dict[str, Any]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return [describe(d) for d in compare_metadata(context, target)]
    finally:
        engine.dispose()


def leftover_tables(url: str, target: MetaData) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        names = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    return sorted(names & set(target.tables))


def _failure(phase: str, exc: Exception) -> dict[str, Any]:
    return {"phase": phase, "exception": f"{type(exc).__name__}: {exc}",
            "type": type(exc).__name__, "traceback": traceback.format_exc()}


def main() -> dict[str, Any]:
    url = os.environ["AUTOBE_DATABASE_URL"]
    config = Config("alembic.ini")
    migrations = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]
    report: dict[str, Any] = {"phases": {}, "migrations": list(reversed(migrations)),
                              "differences": [], "leftovers": [], "failed": None}
    try:
        target = metadata()
    except Exception as exc:
        report["failed"] = _failure("import the models", exc)
        return report

    def upgrade() -> bool:
        command.upgrade(config, "head")
        return True

    def compare() -> bool:
        report["differences"] = differences(url, target)
        return not report["differences"]

    def downgrade() -> bool:
        command.downgrade(config, "base")
        report["leftovers"] = leftover_tables(url, target)
        return not report["leftovers"]

    phases: list[tuple[str, Callable[[], bool]]] = [
        ("upgrade", upgrade),
        ("compare", compare),
        ("downgrade", downgrade),
        ("upgrade again", upgrade),
        ("compare again", compare),
    ]
    for name, phase in phases:
        started = time.perf_counter()
        try:
            if not phase():  # differences (reported)
                report["failed"] = {"phase": name}
        except Exception as exc:
            report["failed"] = _failure(name, exc)
        report["phases"][name] = time.perf_counter() - started
        if report["failed"] is not None:
            break
    return report


if __name__ == "__main__":
    print(MARK + json.dumps(main()), flush=True)
