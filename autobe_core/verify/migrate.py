"""The ``migrate`` rung: the workspace's migrations build exactly the models' schema.

From an empty database, ``alembic upgrade head`` runs every migration; Alembic's
``compare_metadata`` must then find no difference between the migrated database and
the models; ``alembic downgrade base`` must undo everything, and ``upgrade head`` must
work again (:mod:`autobe_core.verify.migrate_script` does this in a subprocess in the
workspace, where the generated ``app`` is imported).

The empty database is a temporary SQLite file, or, when ``AUTOBE_TEST_DATABASE_URL``
names a PostgreSQL server, a fresh schema there (first on the connection's search
path, ``public`` after it for ``pg_trgm``), dropped afterwards whatever happened.
A workspace without ``alembic.ini`` and ``migrations/`` has nothing to migrate: the rung
is skipped, saying so.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from autobe_core.errors import AutobeError
from autobe_core.verify.parsing import traceback_diagnostic
from autobe_core.verify.result import RungDiagnostic, RungResult, tail
from autobe_core.verify.rungs import Completed, RungContext, run_process, timed_out

TEST_DATABASE_ENV = "AUTOBE_TEST_DATABASE_URL"
"""A PostgreSQL database to migrate in (a fresh schema per run); unset: SQLite."""

SCRIPT = Path(__file__).with_name("migrate_script.py")
MARK = "AUTOBE-MIGRATE "


class NoDatabase(AutobeError):
    """The test database cannot be prepared (the message says why)."""


@contextlib.contextmanager
def empty_database(env: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(URL, what it is) of an empty database, removed afterwards."""
    given = env.get(TEST_DATABASE_ENV, "").strip()
    if not given:
        with tempfile.TemporaryDirectory(prefix="autobe-migrate-") as scratch:
            yield f"sqlite:///{(Path(scratch) / 'migrate.db').as_posix()}", "SQLite"
        return
    with fresh_schema(given) as url:
        yield url, "PostgreSQL"


@contextlib.contextmanager
def fresh_schema(given: str) -> Iterator[str]:
    """A new schema on the PostgreSQL database ``given`` names: the URL reaching it.
    (SQLAlchemy is imported here: a run on SQLite, every change's, needs none of it in
    this process.)"""
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        url = make_url(given)
    except ArgumentError as exc:
        raise NoDatabase(f"{TEST_DATABASE_ENV} is not a database URL: {exc}") from None
    if url.get_backend_name() != "postgresql":
        raise NoDatabase(f"{TEST_DATABASE_ENV} must name a PostgreSQL database "
                         f"(postgresql://USER:PASSWORD@HOST:PORT/DB), not {url.drivername}")
    schema = f"autobe_migrate_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except SQLAlchemyError as exc:
        admin.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise NoDatabase(f"cannot make a schema on {TEST_DATABASE_ENV} "
                         f"({url.render_as_string(hide_password=True)}): {reason}") from None
    try:
        scoped = url.update_query_dict({"options": f"-csearch_path={schema},public"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with contextlib.suppress(SQLAlchemyError), admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def migrate_rung(ctx: RungContext) -> RungResult:
    """Upgrade an empty database to head, compare with the models, downgrade, upgrade."""
    ini, versions = ctx.workspace / "alembic.ini", ctx.workspace / "migrations"
    if not ini.is_file() and not versions.exists():
        return RungResult("migrate", "skipped", summary="no alembic.ini: nothing to migrate")
    if not ini.is_file() or not (versions / "env.py").is_file():
        missing = "alembic.ini" if not ini.is_file() else "migrations/env.py"
        return RungResult("migrate", "failed", summary=f"no {missing}", diagnostics=(
            RungDiagnostic(missing, None, f"the workspace has no {missing}: `autobe build` "
                           "writes it again", "layout"),))
    try:
        with empty_database(ctx.env) as (url, what):
            env = {**ctx.env, "AUTOBE_DATABASE_URL": url}
            completed = run_process([sys.executable, "-c", SCRIPT.read_text("utf-8")],
                                    RungContext(ctx.workspace, ctx.cache_dir, env, ctx.timeout))
    except NoDatabase as exc:
        return RungResult("migrate", "failed", summary=str(exc),
                          diagnostics=(RungDiagnostic(None, None, str(exc), "database"),))
    if completed.timed_out:
        return timed_out("migrate", completed, ctx)
    report = _report(completed.output)
    if report is None:
        problem = traceback_diagnostic(completed.output, ctx.workspace) or RungDiagnostic(
            None, None, tail(completed.output.strip(), 1000) or
            f"the migration check exited with status {completed.returncode}", "migrate")
        return RungResult("migrate", "failed", completed.seconds, problem.message, (problem,),
                          output=tail(completed.output))
    return _result(report, what, completed, ctx.workspace)


def _report(output: str) -> dict[str, Any] | None:
    for line in reversed(output.splitlines()):
        if line.startswith(MARK):
            with contextlib.suppress(ValueError):
                data = json.loads(line.removeprefix(MARK))
                return data if isinstance(data, dict) else None
    return None


def _result(report: dict[str, Any], what: str, completed: Completed,
            workspace: Path) -> RungResult:
    phases = {str(k): float(v) for k, v in report.get("phases", {}).items()}
    count = len(report.get("migrations", []))
    walked = f"{count} migration{'' if count == 1 else 's'} on {what}"
    timing = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in phases.items())
    counts = {"migrations": count, "differences": len(report.get("differences", []))}
    failed = report.get("failed")
    if failed is None:
        return RungResult("migrate", "passed", completed.seconds,
                          f"{walked}: {timing}", counts=counts, phases=phases)
    phase = str(failed.get("phase", "?"))
    problems = [_difference(d, workspace) for d in report.get("differences", [])]
    problems += [RungDiagnostic(_model_file(t, workspace), None, f"downgrade to base left the "
                                f"table {t} in the database", "migrate.leftover-table")
                 for t in report.get("leftovers", [])]
    if failed.get("exception"):
        located = traceback_diagnostic(str(failed.get("traceback", "")), workspace)
        problems.append(RungDiagnostic(
            located.file if located else None, located.line if located else None,
            f"{phase} failed: {failed['exception']}", str(failed.get("type") or "migrate")))
    what_failed = (f"{len(problems)} difference(s) between the migrated database and the "
                   "models" if phase.startswith("compare") else f"{phase} failed")
    return RungResult("migrate", "failed", completed.seconds,
                      f"{what_failed} ({walked})", tuple(problems), counts,
                      tail(completed.output), phases)


DIFFERENCES: dict[str, str] = {
    "add_table": "table {table} is in the models, but no migration creates it",
    "remove_table": "table {table} is created by the migrations, but no model has it",
    "add_column": "column {table}.{column} ({definition}) is in the models, but no migration "
                  "creates it",
    "remove_column": "column {table}.{column} is created by the migrations, but the model has "
                     "no such column",
    "add_index": "index {name} on {table} ({cols}) is in the models, but no migration creates it",
    "remove_index": "index {name} on {table} ({cols}) is created by the migrations, but not in "
                    "the models",
    "add_constraint": "constraint {name} on {table} ({cols}) is in the models, but no migration "
                      "creates it",
    "remove_constraint": "constraint {name} on {table} ({cols}) is created by the migrations, "
                         "but not in the models",
    "add_fk": "foreign key {name} on {table} ({cols}) is in the models, but no migration "
              "creates it",
    "remove_fk": "foreign key {name} on {table} ({cols}) is created by the migrations, but not "
                 "in the models",
}
"""What each kind of difference means, in words (anything else: its data)."""


def _difference(diff: dict[str, Any], workspace: Path) -> RungDiagnostic:
    op = str(diff.get("op"))
    table = str(diff.get("table"))
    fields = {k: str(v) for k, v in diff.items()}
    fields["cols"] = ", ".join(str(c) for c in diff.get("columns", []))
    if op == "modify_column":
        changes = "; ".join(f"{c['what']}: {c['database']} in the database, {c['models']} in "
                            "the models" for c in diff.get("changes", []))
        message = f"column {table}.{diff.get('column')} differs: {changes}"
    elif op in DIFFERENCES:
        message = DIFFERENCES[op].format_map(fields)
    else:
        message = f"{op}: {json.dumps(diff, sort_keys=True)}"
    return RungDiagnostic(_model_file(table, workspace), None, message, f"migrate.{op}")


def _model_file(table: str, workspace: Path) -> str | None:
    """The model module of ``table`` (``app/models/<table>.py``) when there is one."""
    path = f"app/models/{table}.py"
    return path if (workspace / path).is_file() else None
