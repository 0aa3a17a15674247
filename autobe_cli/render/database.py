"""What ``autobe db status / upgrade / sql`` and ``autobe serve`` print.

``db status`` draws the chain of migrations as a table (each migration, the revision
that recorded it, its steps, and where the database is), then the pending steps with
the destructive ones flagged. URLs are shown with their password hidden; titles and
steps through :func:`~autobe_cli.render.console.plain` (escaped, no markup).
"""

from __future__ import annotations

import json

from rich.table import Table
from rich.text import Text

from autobe_cli.render.console import err, out, plain
from autobe_core.service import (
    DEFAULT_SOURCE,
    REVIEW_SOURCE,
    DatabaseStatus,
    MigrationEntry,
    ServeCommand,
    SqlScript,
    UpgradeOutcome,
)

DESTRUCTIVE = "bold red"
DIALECT_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def _warnings(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        err.print(plain(f"warning: {warning}", "yellow"))


def _steps(entry: MigrationEntry) -> Text:
    count = len(entry.steps)
    text = plain(f"{count} step{'' if count == 1 else 's'}")
    if entry.destructive:
        text += plain(f", {entry.destructive} destructive", DESTRUCTIVE)
    return text


def _state(status: DatabaseStatus, entry: MigrationEntry) -> Text:
    if entry.id == status.current:
        return Text("<- the database is here", style="bold green")
    if entry in status.pending:
        return Text("pending", style="yellow")
    return Text("applied", style="green")


def _where(status: DatabaseStatus) -> str:
    entry = status.current_entry
    if status.current is None:
        return "empty (no database file yet)" if not status.exists else "empty (no migration)"
    return f"at {status.current} (revision {entry.revision})" if entry else f"at {status.current}"


def database_status(status: DatabaseStatus, as_json: bool = False) -> None:
    _warnings(status.warnings)
    if as_json:
        out.file.write(json.dumps(status.to_dict(), indent=2) + "\n")
        return
    out.print(plain(f"database: {status.url.shown} ({status.url.source})"))
    head = status.head
    out.print(plain(f"  {_where(status)}; head: "
                    + (f"{head.id} (revision {head.revision})" if head else "no migration")))
    table = Table(title="migrations (oldest first)", title_justify="left")
    table.add_column("migration")
    table.add_column("revision", justify="right")
    table.add_column("what")
    table.add_column("steps")
    table.add_column("database")
    for entry in status.chain:
        table.add_row(entry.id, str(entry.revision), plain(entry.title), _steps(entry),
                      _state(status, entry))
    out.print(table)
    pending = status.pending
    if not pending:
        out.print(Text("the database is at the head: nothing to do", style="green"))
        return
    steps = sum(len(m.steps) for m in pending)
    destructive = sum(m.destructive for m in pending)
    line = plain(f"pending: {len(pending)} migration{'' if len(pending) == 1 else 's'}, "
                 f"{steps} step{'' if steps == 1 else 's'}")
    if destructive:
        line += plain(f" ({destructive} destructive: data is lost)", DESTRUCTIVE)
    out.print(line)
    for entry in pending:
        out.print(plain(f"  {entry.id} (revision {entry.revision}): {entry.title}", "bold"))
        for step in entry.steps:
            if step.destructive:
                out.print(plain(f"    ! {step.text}", DESTRUCTIVE))
            else:
                out.print(plain(f"    + {step.text}"))
    out.print("run `autobe db upgrade` to apply them", markup=False)


def upgrade_result(outcome: UpgradeOutcome) -> None:
    _warnings(outcome.warnings)
    where = outcome.url.shown
    if not outcome.applied:
        out.print(plain(f"the database at {where} is at the head ({outcome.after}): "
                        "nothing to do"))
        return
    steps = sum(len(m.steps) for m in outcome.applied)
    count = len(outcome.applied)
    out.print(plain(
        f"upgraded the database at {where} from {outcome.before or 'empty'} to "
        f"{outcome.after}: {count} migration{'' if count == 1 else 's'}, "
        f"{steps} step{'' if steps == 1 else 's'}"))
    for entry in outcome.applied:
        out.print(plain(f"  {entry.id} (revision {entry.revision}): {entry.title} (")
                  + _steps(entry) + Text(")"))


def sql_script(script: SqlScript) -> None:
    named = DIALECT_NAMES.get(script.dialect, script.dialect)
    if script.source == REVIEW_SOURCE:
        err.print(plain(f"-- SQL for {named}, the default for review (--url or "
                        "AUTOBE_DATABASE_URL chooses another dialect)"))
    else:
        err.print(plain(f"-- SQL for {named} (the dialect of {script.source})"))
    if not script.migrations:
        start = f"revision {script.start.revision}" if script.start else "an empty database"
        end = f"revision {script.end.revision}" if script.end else "the start"
        err.print(plain(f"-- no migration between {start} and {end}: no SQL"))
        return
    ids = ", ".join(m.id for m in script.migrations)
    err.print(plain(f"-- migrations {ids}; nothing was run"))
    out.file.write(script.sql if script.sql.endswith("\n") else script.sql + "\n")


def serving(command: ServeCommand) -> None:
    err.print(plain(
        f"serving {command.address} on the database at {command.url.shown} "
        f"({command.revision}); Ctrl-C stops it"))
    env = "" if command.url.source == DEFAULT_SOURCE else " (with AUTOBE_DATABASE_URL set)"
    err.print(plain(
        f"  by hand: cd {command.cwd} && uvicorn app.main:app --host {command.host} "
        f"--port {command.port}{env}"), style="dim")
