"""The database use cases: where a database is against the history, bringing it to the
head, the SQL for review, and serving the backend on it.

The chain of migrations comes from the history (each schema-changing revision recorded
its :class:`~autobe_core.generate.MigrationSlice`); the database is asked by Alembic in a
subprocess in ``backend/`` (:mod:`.database_script`) with ``AUTOBE_DATABASE_URL`` set, so
the generated app is imported there and never into autobe's process.

Which database: ``--url``, else ``AUTOBE_DATABASE_URL``, else the backend's default
``sqlite:///./app.db`` (relative to ``backend/``). ``db sql`` reviews PostgreSQL's SQL
unless a URL says otherwise (Alembic's offline mode needs only the dialect).

The chain is linear and only grows: a rollback records a forward migration, so
``db upgrade`` always moves up to the head.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from autobe_core.build import read_manifest, sha256_bytes
from autobe_core.errors import AutobeError, NotBuilt
from autobe_core.generate import MigrationSlice
from autobe_core.history import Project
from autobe_core.schema import schema_of
from autobe_core.service.migrations import chain_at
from autobe_core.service.session import ProjectSession

DATABASE_URL_ENV = "AUTOBE_DATABASE_URL"
DEFAULT_URL = "sqlite:///./app.db"
"""The backend's own default (app/settings.py), relative to ``backend/``."""
REVIEW_URL = "postgresql+psycopg://review@localhost/review"
"""The dialect ``db sql`` writes for when no URL is given (never connected to)."""
DEFAULT_SOURCE = "the backend's default"
REVIEW_SOURCE = "the default for review"
DIALECTS = ("sqlite", "postgresql")
SCRIPT = Path(__file__).with_name("database_script.py")
MARK = "AUTOBE-DB "
PROBE_TIMEOUT = 120.0
UPGRADE_HINT = "run `autobe db upgrade` (or `alembic upgrade head` in backend/)"
URL_HINT = ("give --url (or AUTOBE_DATABASE_URL) as sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST:PORT/DB")


class DatabaseError(AutobeError):
    """A database command could not do what was asked; the message says why."""


class DatabaseUnreachable(DatabaseError):
    """The database cannot be reached (or its URL is not one autobe can use)."""


class ForeignDatabase(DatabaseError):
    """The database holds what this project's migrations did not make."""


class MigrationFailed(DatabaseError):
    """A migration failed on the database; the message says where the database is now."""


class DatabaseBehind(DatabaseError):
    """The database is not at the head's migration (``serve`` refuses it)."""


class MigrationsNotBuilt(DatabaseError):
    """The workspace does not hold the head's migrations."""


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class DatabaseUrl:
    url: str
    """What Alembic is given (``AUTOBE_DATABASE_URL`` of the subprocess)."""
    source: str
    """Where it came from: ``--url``, ``AUTOBE_DATABASE_URL`` or the backend's default."""
    workspace: Path

    @property
    def dialect(self) -> str:
        return make_url(self.url).get_backend_name()

    @property
    def shown(self) -> str:
        """The URL with its password hidden, and a relative SQLite file's location."""
        parsed = make_url(self.url)
        text = parsed.render_as_string(hide_password=True)
        database = parsed.database or ""
        if self.dialect == "sqlite" and database and not Path(database).is_absolute() \
                and database != ":memory:":
            text += f" ({(self.workspace / database).resolve()})"
        return text


@dataclass(frozen=True)
class StepLine:
    text: str
    destructive: bool


@dataclass(frozen=True)
class MigrationEntry:
    id: str
    revision: int
    """The autobe revision that recorded the migration."""
    title: str
    steps: tuple[StepLine, ...]

    @property
    def destructive(self) -> int:
        return sum(1 for s in self.steps if s.destructive)

    @classmethod
    def of(cls, m: MigrationSlice) -> MigrationEntry:
        return cls(m.id, m.revision, m.title,
                   tuple(StepLine(s.describe(), s.destructive) for s in m.steps))


@dataclass(frozen=True)
class DatabaseStatus:
    url: DatabaseUrl
    exists: bool
    """False: a SQLite file that does not exist yet (``db upgrade`` creates it)."""
    current: str | None
    """The database's migration (None: none, an empty database)."""
    chain: tuple[MigrationEntry, ...]
    """The head's migrations, oldest first."""
    tables: int
    warnings: tuple[str, ...] = ()

    @property
    def head(self) -> MigrationEntry | None:
        return self.chain[-1] if self.chain else None

    @property
    def current_entry(self) -> MigrationEntry | None:
        return next((m for m in self.chain if m.id == self.current), None)

    @property
    def pending(self) -> tuple[MigrationEntry, ...]:
        if self.current is None:
            return self.chain
        ids = [m.id for m in self.chain]
        return self.chain[ids.index(self.current) + 1:] if self.current in ids else ()

    @property
    def at_head(self) -> bool:
        return not self.pending

    def to_dict(self) -> dict[str, Any]:
        entry = self.current_entry
        head = self.head
        return {
            "url": self.url.shown, "source": self.url.source, "dialect": self.url.dialect,
            "exists": self.exists, "current": self.current,
            "currentRevision": entry.revision if entry else None,
            "head": head.id if head else None, "headRevision": head.revision if head else None,
            "atHead": self.at_head, "tables": self.tables,
            "pending": [_entry_dict(m) for m in self.pending],
            "chain": [_entry_dict(m) for m in self.chain], "warnings": list(self.warnings),
        }


def _entry_dict(m: MigrationEntry) -> dict[str, Any]:
    return {"id": m.id, "revision": m.revision, "title": m.title,
            "steps": [{"text": s.text, "destructive": s.destructive} for s in m.steps]}


@dataclass(frozen=True)
class UpgradeOutcome:
    url: DatabaseUrl
    before: str | None
    after: str | None
    applied: tuple[MigrationEntry, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SqlScript:
    sql: str
    dialect: str
    source: str
    start: MigrationEntry | None
    """The migration the database is assumed at (None: empty)."""
    end: MigrationEntry | None
    migrations: tuple[MigrationEntry, ...]
    """The migrations whose SQL this is."""


# --------------------------------------------------------------------------- the URL


def database_url(given: str | None, workspace: Path,
                 environ: Mapping[str, str] | None = None) -> DatabaseUrl:
    """``given`` (--url), else ``AUTOBE_DATABASE_URL``, else the backend's default."""
    env = os.environ if environ is None else environ
    if given:
        return _checked(DatabaseUrl(given, "--url", workspace))
    if env.get(DATABASE_URL_ENV):
        return _checked(DatabaseUrl(env[DATABASE_URL_ENV], DATABASE_URL_ENV, workspace))
    return DatabaseUrl(DEFAULT_URL, DEFAULT_SOURCE, workspace)


def review_url(given: str | None, workspace: Path) -> DatabaseUrl:
    """The URL whose dialect ``db sql`` writes for: PostgreSQL unless one is given."""
    if given or os.environ.get(DATABASE_URL_ENV):
        return database_url(given, workspace)
    return DatabaseUrl(REVIEW_URL, REVIEW_SOURCE, workspace)


def _checked(url: DatabaseUrl) -> DatabaseUrl:
    try:
        dialect = url.dialect
    except ArgumentError:
        raise DatabaseUnreachable(f"{url.source} is not a database URL", URL_HINT) from None
    if dialect not in DIALECTS:
        raise DatabaseUnreachable(
            f"{url.source} names a {dialect} database; the generated backend runs on SQLite "
            "or PostgreSQL", URL_HINT)
    return url


# --------------------------------------------------------------------------- the script


def run_script(workspace: Path, url: DatabaseUrl, *args: str,
               timeout: float | None = None) -> dict[str, Any]:
    """Run :mod:`.database_script` in ``workspace`` on ``url``; its JSON result."""
    env = {**os.environ, DATABASE_URL_ENV: url.url, "PYTHONIOENCODING": "utf-8"}
    try:
        done = subprocess.run([sys.executable, "-c", SCRIPT.read_text("utf-8"), *args],
                              cwd=workspace, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise DatabaseUnreachable(
            f"the database at {url.shown} did not answer within {timeout:g} s",
            "check that the server is running and reachable from here") from None
    data = marked_result(done.stdout, MARK)
    if data is not None:
        return data
    raise DatabaseError(
        f"Alembic stopped in {workspace} before it could answer: {last_error(done.stderr)}",
        "run `autobe check` to see what is wrong with the backend")


def marked_result(stdout: str, mark: str) -> dict[str, Any] | None:
    """The JSON object a script in the backend printed on its last line starting with
    ``mark`` (None: it stopped before it could answer)."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(mark):
            data = json.loads(line.removeprefix(mark))
            return data if isinstance(data, dict) else None
    return None


def last_error(output: str) -> str:
    """What a process that stopped said last: the exception line of its last traceback,
    else its last line."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    start = max((i for i, line in enumerate(lines) if line.startswith("Traceback ")), default=-1)
    if start >= 0:
        found = next((line for line in lines[start + 1:] if not line[0].isspace()), None)
        if found:
            return found
    return lines[-1] if lines else "no output"


def _raise_for(data: dict[str, Any], url: DatabaseUrl) -> None:
    error = data.get("error")
    if not isinstance(error, dict):
        return
    kind, message = error.get("kind"), str(error.get("message", ""))
    if kind == "version":
        raise ForeignDatabase(
            f"the database at {url.shown} has an alembic_version this project cannot read: "
            f"{message}", "use another database (--url), or one autobe's migrations made")
    hint = ("check that the file's directory exists and that you may write there"
            if url.dialect == "sqlite" else
            "check the URL, and that the server is running and reachable from here")
    raise DatabaseUnreachable(
        f"cannot reach the database at {url.shown} ({url.source}): {message}", hint)


# --------------------------------------------------------------------------- use cases


def entries(project: Project) -> tuple[MigrationEntry, ...]:
    return tuple(MigrationEntry.of(m) for m in chain_at(project, project.head))


def workspace_warnings(session: ProjectSession, project: Project,
                       chain: tuple[MigrationEntry, ...]) -> tuple[str, ...]:
    """Check that the workspace holds the head's migrations (:class:`NotBuilt`,
    :class:`MigrationsNotBuilt` otherwise); hand-edited ones are warnings."""
    workspace = session.layout.workspace
    if read_manifest(workspace) is None and not (workspace / "alembic.ini").is_file():
        raise NotBuilt(f"nothing generated yet in {workspace}", "run `autobe build` first")
    manifest = session.manifest_at(project, project.head)
    wanted = [e for e in manifest
              if e.path == "alembic.ini" or e.path.startswith("migrations/")]
    missing = [e.path for e in wanted if not (workspace / e.path).is_file()]
    versions = workspace / "migrations" / "versions"
    known = {e.path for e in wanted}
    extra = sorted(f"migrations/versions/{p.name}" for p in versions.glob("*.py")
                   if f"migrations/versions/{p.name}" not in known) if versions.is_dir() else []
    if missing or extra:
        what = (f"lacks {', '.join(missing)}" if missing else "") + (
            "; " if missing and extra else "") + (
            f"holds migrations the head does not have ({', '.join(extra)})" if extra else "")
        raise MigrationsNotBuilt(
            f"the workspace {what}: its migrations are not revision {project.head}'s",
            "run `autobe build` (it writes the head's files); move your own migration "
            "scripts out of migrations/versions/")
    return tuple(
        f"{e.path} differs from the recorded migration (edited by hand); "
        "`autobe build --force` restores it"
        for e in wanted
        if sha256_bytes((workspace / e.path).read_bytes()) != e.sha256
    )


def status(session: ProjectSession, given: str | None) -> DatabaseStatus:
    project = session.project()
    workspace = session.layout.workspace
    chain = entries(project)
    warnings = workspace_warnings(session, project, chain)
    url = database_url(given, workspace)
    data = run_script(workspace, url, "probe", timeout=PROBE_TIMEOUT)
    _raise_for(data, url)
    current = data.get("revision")
    tables = [str(t) for t in data.get("tables", [])]
    found = DatabaseStatus(url, bool(data.get("exists")), current, chain,
                           len([t for t in tables if t != "alembic_version"]), warnings)
    _check_ours(session, project, found, tables)
    return found


def _check_ours(session: ProjectSession, project: Project, found: DatabaseStatus,
                tables: list[str]) -> None:
    """:class:`ForeignDatabase` when the database was not made by this project's
    migrations: an unknown migration id, the tables of its migration missing, or
    tables of this project without any migration recorded."""
    ids = [m.id for m in found.chain]
    where = found.url.shown
    if found.current is not None and found.current not in ids:
        known = f"{ids[0]}..{ids[-1]}" if ids else "none"
        raise ForeignDatabase(
            f"the database at {where} is at migration {found.current}, which this project's "
            f"history does not have (its migrations are {known}): it belongs to another "
            "project, or to another history of this one",
            "use another database (--url or AUTOBE_DATABASE_URL), or an empty one")
    entry = found.current_entry
    present = set(tables)
    if entry is not None:
        expected = {t.name for t in schema_of(session.spec_at(project, entry.revision)).tables}
        missing = sorted(expected - present)
        if missing:
            raise ForeignDatabase(
                f"the database at {where} says it is at {entry.id} (revision {entry.revision}) "
                f"but lacks that revision's tables {', '.join(missing[:8])}: its "
                "alembic_version belongs to another project",
                "use another database (--url or AUTOBE_DATABASE_URL), or an empty one")
    elif found.chain:
        ours = {t.name for t in schema_of(session.spec_at(project, project.head)).tables}
        ours |= {t.name for t in schema_of(session.spec_at(project, found.chain[0].revision))
                 .tables}
        clash = sorted(ours & present)
        if clash:
            raise ForeignDatabase(
                f"the database at {where} holds tables ({', '.join(clash[:8])}) but no "
                "migration: they were not made by autobe's migrations (e.g. create_all)",
                "use an empty database; if its tables are exactly revision N's schema, "
                "record that with `alembic stamp r000N` in backend/")


def run_upgrade(workspace: Path, found: DatabaseStatus) -> UpgradeOutcome:
    """Run ``alembic upgrade head`` on the database ``found`` describes (no session
    held: it may take long)."""
    if found.at_head:
        return UpgradeOutcome(found.url, found.current, found.current, (), found.warnings)
    data = run_script(workspace, found.url, "upgrade")
    error = data.get("error")
    if isinstance(error, dict) and error.get("kind") != "migration":
        _raise_for(data, found.url)
    after = data.get("after")
    by_id = {m.id: m for m in found.chain}
    if isinstance(error, dict):
        failed = by_id.get(str(error.get("migration")))
        which = (f"migration {failed.id} (revision {failed.revision}: {failed.title})"
                 if failed else "the upgrade")
        now = "empty, as it was" if after is None else (
            f"still at {after}" if after == found.current else f"now at {after}")
        raise MigrationFailed(
            f"{which} failed on the database at {found.url.shown}: {error.get('message')}\n"
            f"nothing of the upgrade was applied: the database is {now}",
            "the database's message says what it refused (e.g. rows a new constraint "
            "rejects, or a column that is missing); fix that, then `autobe db upgrade`")
    ids = [m.id for m in found.pending]
    applied = found.pending[:ids.index(after) + 1] if after in ids else ()
    return UpgradeOutcome(found.url, found.current, after, applied, found.warnings)


def sql(session: ProjectSession, start: str | int | None, end: str | int,
        given: str | None) -> SqlScript:
    """The SQL that brings a database from revision ``start``'s schema (None: empty) to
    revision ``end``'s, for review; nothing runs."""
    project = session.project()
    workspace = session.layout.workspace
    chain = entries(project)
    workspace_warnings(session, project, chain)
    url = review_url(given, workspace)
    to_number = project.resolve(end)
    from_number = project.resolve(start) if start is not None else None
    if from_number is not None and from_number > to_number:
        raise DatabaseError(
            f"--from {start} (revision {from_number}) is after --to {end} (revision "
            f"{to_number}): the chain only moves forward",
            "give --from at or before --to; a rollback is a new revision with its own "
            "forward migration")
    first = _latest(chain, from_number) if from_number is not None else None
    last = _latest(chain, to_number)
    between = tuple(m for m in chain
                    if (first is None or m.revision > first.revision)
                    and last is not None and m.revision <= last.revision)
    if not between or last is None:
        return SqlScript("", url.dialect, url.source, first, last, ())
    data = run_script(workspace, url, "sql", first.id if first else "", last.id)
    error = data.get("error")
    if isinstance(error, dict):
        raise DatabaseError(f"Alembic could not write the SQL: {error.get('message')}",
                            "run `autobe check` to see what is wrong with the backend")
    return SqlScript(str(data.get("sql", "")), url.dialect, url.source, first, last, between)


def _latest(chain: tuple[MigrationEntry, ...], revision: int) -> MigrationEntry | None:
    """The migration of the latest schema-changing revision at or before ``revision``."""
    return next((m for m in reversed(chain) if m.revision <= revision), None)


def behind_message(found: DatabaseStatus) -> str | None:
    """Why ``found`` cannot serve the head (None: it can)."""
    head = found.head
    if head is None or found.at_head:
        return None
    count = len(found.pending)
    pending = f"{count} migration{'' if count == 1 else 's'} pending"
    if found.current is None:
        return (f"the database at {found.url.shown} has no autobe tables yet ({pending}; "
                f"this backend needs {head.id})")
    return (f"the database at {found.url.shown} is at {found.current}; this backend needs "
            f"{head.id} ({pending})")
