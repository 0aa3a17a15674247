"""The migration walk: generated migrations run by real Alembic on a real database, with
rows in them (tests/unit/test_migration_scripts.py runs it).

For todo and bbs: revision 1's migration (from the empty spec, through ``spec.creation``)
and a chain of changes (add a nullable field, add fields with a default (a datetime's
'now' too), rename a field, rename a referenced model, widen and narrow an enum, add and
remove indexes (a trigram one too), widen types, make a field nullable, remove fields and
a model, then roll back, which migrates forward and fills required columns that come back)
are rendered into a generated workspace per revision. One subprocess (the generated app is a
package named ``app``, a fresh one per revision) walks the chain on one database:

- ``alembic upgrade head`` with each revision's workspace; Alembic's ``compare_metadata``
  against that revision's models finds no difference;
- rows are written after every step; every row survives each step that does not drop it,
  renamed columns keep their values, new columns hold their default;
- every enum column's CHECK constraint still refuses other values (SQLite's batch mode
  copies tables: the constraints must come along);
- then down one revision at a time to the first (each time the schema equals that
  revision's models and no row of the kept tables is lost), down to base (no table left)
  and up to head again.
"""

from __future__ import annotations

import inspect
import itertools
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autobe_core.generate import MigrationSlice, migration_id, plan_modules
from autobe_core.schema import Column, Schema, Table, plan_migration, schema_of
from autobe_core.spec import (
    AddField,
    AddIndex,
    ChangeSet,
    Edit,
    ModifyField,
    PlainField,
    ProjectSpec,
    RemoveField,
    RemoveIndex,
    RemoveModel,
    RemoveOperation,
    RenameField,
    RenameModel,
    apply,
    creation,
    invert,
)
from autobe_core.spec.io import load_spec
from tests import row_values

ROOT = Path(__file__).resolve().parents[1]

Rows = dict[str, dict[str, dict[str, Any]]]
"""table -> primary key -> column -> the value the database should hold."""

SOME_TIME = "<the time the migration ran>"
"""Expected where a column's default is 'now': any time, but not NULL."""

SOME_VALUE = "<a value of the rollback's choosing>"
"""Expected where a rollback fills a unique column row by row: any value, but not NULL
(the unique constraint, there again, keeps them distinct)."""

WORKSPACE_FILES = ("alembic.ini", "migrations/", "app/__init__.py", "app/db.py",
                   "app/settings.py", "app/models/")
"""What Alembic and the models need of a generated workspace."""


# --------------------------------------------------------------------------- scenarios


@dataclass
class Change:
    """One revision of a scenario: its edits (from the spec before) and what it does to
    the rows already there (the expectation, written out by hand)."""

    title: str
    edits: Callable[[ProjectSpec], list[Edit]]
    rows: Callable[[Rows], None] = lambda rows: None
    rollback_to: int | None = None
    """A rollback: the edits are the inverses of the revisions after this one."""


def plain(spec: ProjectSpec, model: str, name: str) -> PlainField:
    found = spec.model(model)
    assert found is not None
    result = found.plain(name)
    assert result is not None
    return result


def modify(spec: ProjectSpec, model: str, name: str, **update: Any) -> ModifyField:
    definition = plain(spec, model, name).model_copy(update=update)
    return ModifyField(model=model, field=name, definition=definition)


def remove_model(spec: ProjectSpec, model: str) -> list[Edit]:
    ops: list[Edit] = [RemoveOperation(method=o.method, path=o.path)
                       for o in spec.operations if o.model == model]
    return [*ops, RemoveModel(model=model)]


def rename_column(rows: Rows, table: str, old: str, new: str) -> None:
    for row in rows.get(table, {}).values():
        row[new] = row.pop(old)


def rename_table(rows: Rows, old: str, new: str) -> None:
    rows[new] = rows.pop(old, {})


def set_column(rows: Rows, table: str, column: str, value: Any) -> None:
    for row in rows.get(table, {}).values():
        row[column] = value


def drop_column(rows: Rows, table: str, column: str) -> None:
    for row in rows.get(table, {}).values():
        row.pop(column, None)


def _todo_restore(rows: Rows) -> None:
    """Rolling back to revision 2: names come back, the removed notes come back empty,
    the removed required priority comes back as 0 (the rollback's fill, as NULL archived
    flags become false), the removed model comes back without its rows."""
    rename_column(rows, "todo_items", "headline", "title")
    rename_table(rows, "todo_boards", "todo_lists")
    set_column(rows, "todo_items", "notes", None)
    set_column(rows, "todo_items", "priority", 0)
    for row in rows["todo_lists"].values():
        if row["archived"] is None:
            row["archived"] = False
    rows["todo_labels"] = {}


TODO = [
    Change("add a nullable field and a field with a default", lambda s: [
        AddField(model="todo_items", field=PlainField(name="estimate", type="int",
                                                      nullable=True)),
        AddField(model="todo_lists", field=PlainField(name="theme", type="string",
                                                      max_length=20, default="light")),
        AddField(model="todo_items", field=PlainField(name="reviewed_at", type="datetime",
                                                      default="now")),
    ], lambda rows: (set_column(rows, "todo_items", "estimate", None),
                     set_column(rows, "todo_lists", "theme", "light"),
                     set_column(rows, "todo_items", "reviewed_at", SOME_TIME))),
    Change("rename a field", lambda s: [
        RenameField(model="todo_items", field="title", new_name="headline"),
    ], lambda rows: rename_column(rows, "todo_items", "title", "headline")),
    Change("rename a referenced model", lambda s: [
        RenameModel(model="todo_lists", new_name="todo_boards"),
    ], lambda rows: rename_table(rows, "todo_lists", "todo_boards")),
    Change("widen an enum", lambda s: [
        modify(s, "todo_items", "status", enum=["open", "done", "cancelled", "blocked"]),
    ]),
    Change("narrow an enum", lambda s: [
        modify(s, "todo_items", "status", enum=["open", "done", "blocked"]),
    ]),
    Change("add and remove indexes", lambda s: [
        AddIndex(model="todo_items", kind="plain", field_names=["priority"]),
        AddIndex(model="todo_boards", kind="gin", field_names=["title"]),
        RemoveIndex(model="todo_boards", kind="plain", field_names=["created_at"]),
    ]),
    Change("widen types", lambda s: [
        modify(s, "todo_items", "priority", type="double"),
        modify(s, "todo_boards", "title", max_length=300),
        modify(s, "todo_boards", "archived", nullable=True),
    ]),
    Change("remove a field and a model", lambda s: [
        RemoveField(model="todo_items", field="notes"),
        RemoveIndex(model="todo_items", kind="plain", field_names=["priority"]),
        RemoveField(model="todo_items", field="priority"),
        *remove_model(s, "todo_labels"),
    ], lambda rows: (drop_column(rows, "todo_items", "notes"),
                     drop_column(rows, "todo_items", "priority"), rows.pop("todo_labels"))),
    Change("roll back to revision 2", lambda s: [], _todo_restore, rollback_to=2),
]


def _bbs_restore(rows: Rows) -> None:
    """Rolling back to revision 3 (after the field rename): the model's name comes back,
    the removed model comes back without its rows, and the unique nickname is required
    again: the members that had none each get a distinct one."""
    rename_table(rows, "bbs_labels", "bbs_tags")
    rows["bbs_notifications"] = {}
    for row in rows["bbs_members"].values():
        if row["nickname"] is None:
            row["nickname"] = SOME_VALUE


BBS = [
    Change("add a nullable field and a field with a default", lambda s: [
        AddField(model="bbs_articles", field=PlainField(name="subtitle", type="string",
                                                        max_length=200, nullable=True)),
        AddField(model="bbs_categories", field=PlainField(name="visible", type="boolean",
                                                          default=True)),
    ], lambda rows: (set_column(rows, "bbs_articles", "subtitle", None),
                     set_column(rows, "bbs_categories", "visible", True))),
    Change("rename a field", lambda s: [
        RenameField(model="bbs_articles", field="title", new_name="headline"),
    ], lambda rows: rename_column(rows, "bbs_articles", "title", "headline")),
    Change("rename a referenced model", lambda s: [
        RenameModel(model="bbs_tags", new_name="bbs_labels"),
    ], lambda rows: rename_table(rows, "bbs_tags", "bbs_labels")),
    Change("widen and narrow enums, make a unique field nullable", lambda s: [
        modify(s, "bbs_article_votes", "vote_type", enum=["up", "down", "meh"]),
        modify(s, "bbs_article_reports", "status", enum=["open", "resolved"]),
        modify(s, "bbs_members", "nickname", nullable=True),
    ]),
    Change("add a trigram index, remove an index", lambda s: [
        AddIndex(model="bbs_articles", kind="gin", field_names=["headline"]),
        RemoveIndex(model="bbs_categories", kind="plain", field_names=["position"]),
    ]),
    Change("widen types", lambda s: [
        modify(s, "bbs_article_attachments", "size", type="double"),
        modify(s, "bbs_tags" if s.model("bbs_tags") else "bbs_labels", "name",
               max_length=120),
    ]),
    Change("remove a model", lambda s: remove_model(s, "bbs_notifications"),
           lambda rows: rows.pop("bbs_notifications")),
    Change("roll back to revision 3", lambda s: [], _bbs_restore, rollback_to=3),
]

KEPT = {"todo": ("todo_users", "todo_items"), "bbs": ("bbs_members", "bbs_categories")}
"""Tables no revision drops or renames: their rows must survive every downgrade too."""


# --------------------------------------------------------------------------- the chain


@dataclass
class Revision:
    number: int
    spec: ProjectSpec
    chain: tuple[MigrationSlice, ...]
    schema: Schema
    rows_change: Callable[[Rows], None] = lambda rows: None


def build_chain(base: ProjectSpec, changes: list[Change]) -> list[Revision]:
    """Every revision of the scenario with its chain of migrations, as the history would
    record them (each from the typed edits of its change)."""
    empty = ProjectSpec(name=base.name)
    first = plan_migration(empty, creation(base))
    chain = (MigrationSlice(revision=1, id=migration_id(1), down=None,
                            title=f"create {base.name}", steps=first.steps),)
    revisions = [Revision(1, base, chain, schema_of(base))]
    changesets: list[ChangeSet] = [creation(base)]
    for number, change in enumerate(changes, start=2):
        spec = revisions[-1].spec
        if change.rollback_to is None:
            changeset = ChangeSet(edits=change.edits(spec), summary=change.title)
            plan = plan_migration(spec, changeset)
        else:
            undo: list[Edit] = []
            for k in range(len(revisions), change.rollback_to, -1):
                undo += invert(revisions[k - 2].spec, changesets[k - 1]).edits
            changeset = ChangeSet(edits=undo, summary=change.title)
            plan = plan_migration(spec, changeset, rollback=True)
        assert not plan.diagnostics, plan.diagnostics
        assert plan.steps, change.title
        after = apply(spec, changeset)
        if change.rollback_to is not None:
            assert after == revisions[change.rollback_to - 1].spec
        chain = (*chain, MigrationSlice(revision=number, id=migration_id(number),
                                        down=chain[-1].id, title=change.title,
                                        steps=plan.steps))
        revisions.append(Revision(number, after, chain, schema_of(after), change.rows))
        changesets.append(changeset)
    return revisions


def write_workspace(revision: Revision, directory: Path) -> Path:
    for module in plan_modules(revision.spec, revision.chain):
        if module.path.startswith(WORKSPACE_FILES):
            target = directory / module.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(module.generate(), encoding="utf-8")
    return directory


# --------------------------------------------------------------------------- rows

COUNTER = itertools.count(1)


def _ordered(schema: Schema) -> list[Table]:
    done: set[str] = set()
    ordered: list[Table] = []
    pending = list(schema.tables)
    while pending:
        table = next(t for t in pending if t.dependencies() <= done)
        ordered.append(table)
        done.add(table.name)
        pending.remove(table)
    return ordered


def _value(column: Column) -> Any:
    n = next(COUNTER)
    if column.enum:
        return column.enum[0]
    kind = column.type.kind
    if kind == "uuid":
        return str(uuid.uuid4())
    if kind == "string":
        assert column.type.length is not None
        return f"s{n}"[: column.type.length]
    if kind == "text":
        return f"text {n}"
    if kind in ("int", "double"):
        return n if kind == "int" else float(n)
    if kind == "decimal":
        return float(n)
    if kind == "boolean":
        return n % 2 == 0
    return f"2024-01-02T03:04:{n % 60:02d}"


def new_rows(schema: Schema, blank: bool) -> list[tuple[str, dict[str, Any]]]:
    """One fresh row per table, parents first; foreign keys point at this batch's rows;
    ``blank``: nullable columns hold NULL."""
    made: dict[str, str] = {}
    rows: list[tuple[str, dict[str, Any]]] = []
    for table in _ordered(schema):
        row: dict[str, Any] = {}
        for column in table.columns:
            fk = column.foreign_key
            if column.primary_key:
                row[column.name] = str(uuid.uuid4())
            elif fk is not None:
                row[column.name] = None if column.nullable else made[fk.target_table]
            else:
                row[column.name] = None if blank and column.nullable else _value(column)
        made[table.name] = row[next(c.name for c in table.columns if c.primary_key)]
        rows.append((table.name, row))
    return rows


def _primary(table: Table) -> str:
    return next(c.name for c in table.columns if c.primary_key)


# --------------------------------------------------------------------------- the walk

DRIVER = inspect.getsource(row_values) + r'''
import datetime, decimal, importlib, json, os, sys, uuid
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

plan = json.loads(Path(sys.argv[1]).read_text("utf-8"))
url = os.environ["AUTOBE_DATABASE_URL"]
workspaces = [s["workspace"] for s in plan["steps"]]


def use(workspace):
    """The models of one revision's workspace (a fresh `app` package)."""
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[name]
    sys.path[:] = [workspace] + [p for p in sys.path if p not in workspaces]
    importlib.import_module("app.models")
    return importlib.import_module("app.db").Base.metadata


def alembic(workspace, action, target):
    getattr(command, action)(Config(str(Path(workspace) / "alembic.ini")), target)


def engine():
    created = sa.create_engine(url)
    if created.dialect.name == "sqlite":
        sa.event.listen(created, "connect",
                        lambda c, r: c.execute("PRAGMA foreign_keys=ON"))
    return created


def diffs(metadata):
    db = engine()
    with db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found = [repr(d) for d in compare_metadata(context, metadata)]
    db.dispose()
    return found


def insert(metadata, rows):
    db = engine()
    with db.begin() as connection:
        for table_name, row in rows:
            table = metadata.tables[table_name]
            connection.execute(table.insert().values(
                {k: convert(table.c[k], v) for k, v in row.items()}))
    db.dispose()


def probe(metadata, probes):
    """Each enum CHECK still refuses a value outside the enum."""
    refused = []
    db = engine()
    for table_name, column, primary, key, check in probes:
        table = metadata.tables[table_name]
        try:
            with db.begin() as connection:
                connection.execute(table.update().where(
                    table.c[primary] == uuid.UUID(key)).values({column: "not-a-value"}))
            refused.append(None)
        except sa.exc.IntegrityError as exc:
            refused.append(check if check in str(exc) else str(exc.orig))
    db.dispose()
    return refused


def dump(metadata):
    db = engine()
    out = {}
    with db.connect() as connection:
        for name, table in metadata.tables.items():
            primary = list(table.primary_key.columns)[0].name
            out[name] = {
                str(row[primary]): {k: normal(v) for k, v in row.items()}
                for row in connection.execute(sa.select(table)).mappings()
            }
    db.dispose()
    return out


def tables():
    db = engine()
    names = sa.inspect(db).get_table_names()
    db.dispose()
    return sorted(names)


result = {"steps": [], "down": []}
for step in plan["steps"]:
    metadata = use(step["workspace"])
    alembic(step["workspace"], "upgrade", "head")
    found = diffs(metadata)
    insert(metadata, step["rows"])
    result["steps"].append({"diffs": found, "probes": probe(metadata, step["probes"]),
                            "dump": dump(metadata)})
for step in reversed(plan["steps"][:-1]):
    alembic(plan["steps"][-1]["workspace"], "downgrade", step["revision"])
    metadata = use(step["workspace"])
    result["down"].append({"revision": step["revision"], "diffs": diffs(metadata),
                           "dump": dump(metadata)})
alembic(plan["steps"][-1]["workspace"], "downgrade", "base")
result["base"] = tables()
metadata = use(plan["steps"][-1]["workspace"])
alembic(plan["steps"][-1]["workspace"], "upgrade", "head")
result["again"] = diffs(metadata)
print("RESULT " + json.dumps(result))
'''


@dataclass
class Walk:
    revisions: list[Revision]
    expected: list[Rows] = field(default_factory=list)
    """The rows each step must hold (after its own rows were written)."""
    written: dict[str, set[str]] = field(default_factory=dict)
    """Every primary key ever written, per table of KEPT."""


def walk(name: str, changes: list[Change], url: str, directory: Path) -> dict[str, Any]:
    """Run the scenario in one subprocess; check what it saw against the expectations."""
    revisions = build_chain(load_spec(ROOT / "fixtures" / f"{name}.yaml"), changes)
    rows: Rows = {}
    steps: list[dict[str, Any]] = []
    expected: list[Rows] = []
    for revision in revisions:
        workspace = write_workspace(revision, directory / f"r{revision.number}")
        revision.rows_change(rows)
        batch = new_rows(revision.schema, blank=revision.number % 2 == 0)
        probes = []
        for table_name, row in batch:
            table = revision.schema.table(table_name)
            assert table is not None
            rows.setdefault(table_name, {})[row[_primary(table)]] = dict(row)
            probes += [[table_name, c.name, _primary(table), row[_primary(table)],
                        c.check_name] for c in table.columns if c.enum]
        expected.append(json.loads(json.dumps(rows)))
        steps.append({"workspace": str(workspace), "revision": migration_id(revision.number),
                      "rows": batch, "probes": probes})
    plan = directory / "plan.json"
    plan.write_text(json.dumps({"steps": steps}), encoding="utf-8")
    env = {**os.environ, "AUTOBE_DATABASE_URL": url}
    completed = subprocess.run([sys.executable, "-c", DRIVER, str(plan)], cwd=directory,
                               capture_output=True, text=True, env=env, timeout=600,
                               check=False)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-6000:]
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))

    for revision, seen, want in zip(revisions, result["steps"], expected, strict=True):
        where = f"revision {revision.number}"
        assert seen["diffs"] == [], (where, seen["diffs"])
        assert all(p is not None and p.startswith("ck_") for p in seen["probes"]), (
            where, seen["probes"])
        assert set(seen["dump"]) == {t.name for t in revision.schema.tables}, where
        for table_name, table_rows in want.items():
            held = seen["dump"][table_name]
            assert set(table_rows) <= set(held), (where, table_name)
            for key, row in table_rows.items():
                assert _held(held[key], row) == row, (where, table_name, key)
    written = {t: set(expected[-1].get(t, {})) for t in KEPT[name]}
    for down in result["down"]:
        assert down["diffs"] == [], (down["revision"], down["diffs"])
        for table_name, keys in written.items():
            assert set(down["dump"][table_name]) == keys, (down["revision"], table_name)
    assert result["base"] == ["alembic_version"]
    assert result["again"] == []
    return result


def _held(held: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """The expected columns of a row as the database holds them (any time, not NULL, for
    a column whose default is 'now'; any value, not NULL, for a rollback's choice)."""
    out = {c: held.get(c, "(missing)") for c in expected}
    for column, value in expected.items():
        if value in (SOME_TIME, SOME_VALUE) and out[column] not in (None, "(missing)"):
            out[column] = value
    return out


SCENARIOS = {"todo": TODO, "bbs": BBS}
