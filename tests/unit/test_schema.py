"""The schema layer: names, derived tables, a change's migration steps and their inverses.

- every generated name fits PostgreSQL's 63 characters, with a stable hash suffix when cut;
- every foreign key is indexed (its own ``ix_`` index, or an index / unique constraint
  that starts with it);
- :func:`plan_migration` follows the intent of the edits: a rename is a rename (values
  kept), a required field without default on an existing table and a type change with no
  safe cast are refused at the edit's path, what can lose data is flagged destructive;
- every step class has a renderer (an Alembic operation) and an exact inverse.

Real migrations on real databases: ``test_migration_scripts.py``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest

from autobe_core.generate.kinds.migration import MigrationSlice, migration_id
from autobe_core.generate.kinds.migration.render import RENDERERS, render
from autobe_core.importer import import_autobe
from autobe_core.schema import (
    MAX_IDENTIFIER,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Schema,
    Step,
    Table,
    constraint_name,
    fit,
    inverse_steps,
    plan_migration,
    schema_of,
)
from autobe_core.schema.steps import (
    AddColumn,
    AlterColumn,
    CreateCheck,
    CreateForeignKey,
    CreateIndex,
    CreateTable,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropIndex,
    DropTable,
    EnableTrigram,
    RenameColumn,
    RenameTable,
)
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
    RenameField,
    RenameModel,
    creation,
)
from autobe_core.spec.io import load_spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"
SHOPPING = EXAMPLES / "openai__gpt-4.1" / "shopping"


@pytest.fixture(scope="module")
def todo() -> ProjectSpec:
    return load_spec(ROOT / "fixtures" / "todo.yaml")


@pytest.fixture(scope="module")
def bbs() -> ProjectSpec:
    return load_spec(ROOT / "fixtures" / "bbs.yaml")


def _names(schema: Schema) -> list[str]:
    names: list[str] = []
    for table in schema.tables:
        names += [table.name, table.primary_key_name]
        names += [i.name for i in (*table.indexes, *table.uniques)]
        for column in table.columns:
            names.append(column.name)
            if column.check_name:
                names.append(column.check_name)
            if column.foreign_key is not None:
                names.append(column.foreign_key.name)
    return names


def _change(*edits: Edit) -> ChangeSet:
    return ChangeSet(edits=list(edits), summary="test change")


def _plain(spec: ProjectSpec, model: str, name: str) -> PlainField:
    found = spec.model(model)
    assert found is not None
    field = found.plain(name)
    assert field is not None
    return field


# --------------------------------------------------------------------------- names


def test_a_long_name_is_cut_with_a_stable_hash_suffix() -> None:
    short = "ix_todo_items_todo_list_id"
    assert fit(short) == short
    long = constraint_name("fk", "shopping_mall_order_item_snapshot_attachments",
                           "shopping_mall_order_item_snapshot_id")
    assert len(long) == MAX_IDENTIFIER
    assert re.fullmatch(r"fk_shopping_mall_order_item_snapshot_attachments_\w+_[0-9a-f]{8}",
                        long)
    assert long == constraint_name("fk", "shopping_mall_order_item_snapshot_attachments",
                                   "shopping_mall_order_item_snapshot_id")
    # two long names that share their first 54 characters still differ
    other = constraint_name("fk", "shopping_mall_order_item_snapshot_attachments",
                            "shopping_mall_order_item_snapshot_idx")
    assert other != long and other[:-8] == long[:-8]
    assert fit("x" * 63) == "x" * 63 and len(fit("x" * 64)) == 63


@pytest.mark.parametrize("name", ["todo", "bbs"])
def test_every_name_fits_and_every_foreign_key_is_indexed(name: str) -> None:
    schema = schema_of(load_spec(ROOT / "fixtures" / f"{name}.yaml"))
    _check_names_and_foreign_keys(schema)


def test_the_imported_shopping_example_fits_postgresql() -> None:
    """Its 18 names over 63 characters and 32 unindexed foreign keys (issue 10) are gone."""
    if not SHOPPING.is_dir():
        pytest.skip(f"the AutoBe examples are not at {EXAMPLES}")
    schema = schema_of(import_autobe([SHOPPING]).spec)
    _check_names_and_foreign_keys(schema)
    assert any(i.method == "gin" for t in schema.tables for i in t.indexes)
    assert schema.uses_trigram()


def _check_names_and_foreign_keys(schema: Schema) -> None:
    names = _names(schema)
    assert all(len(n) <= MAX_IDENTIFIER for n in names), [n for n in names if len(n) > 63]
    constraint_names = [n for n in names if re.match(r"(pk|fk|ix|uq|ck|gx)_", n)]
    assert len(constraint_names) == len(set(constraint_names))
    for table in schema.tables:
        leading = {i.columns[0] for i in (*table.indexes, *table.uniques) if i.method == "btree"}
        for column in table.columns:
            if column.foreign_key is not None:
                assert column.name in leading, (table.name, column.name)
        assert table.primary_key_name.startswith("pk_")


def test_foreign_keys_get_their_own_index_unless_one_leads_with_them(bbs: ProjectSpec) -> None:
    votes = schema_of(bbs).table("bbs_article_votes")
    assert votes is not None
    # (bbs_article_id, bbs_member_id) is unique: it indexes bbs_article_id already
    assert [u.columns for u in votes.uniques] == [("bbs_article_id", "bbs_member_id")]
    assert [i.name for i in votes.indexes] == ["ix_bbs_article_votes_bbs_member_id"]


# --------------------------------------------------------------------------- plans


def test_the_first_migration_creates_every_table_in_dependency_order(bbs: ProjectSpec) -> None:
    plan = plan_migration(ProjectSpec(name=bbs.name), creation(bbs))
    assert not plan.diagnostics and not plan.destructive
    created = [s.table.name for s in plan.steps if isinstance(s, CreateTable)]
    assert sorted(created) == sorted(m.name for m in bbs.models)
    for step in plan.steps:
        if isinstance(step, CreateTable):
            assert step.table.dependencies() - {step.table.name} <= set(
                created[: created.index(step.table.name)])


def test_a_rename_is_a_rename(todo: ProjectSpec) -> None:
    plan = plan_migration(todo, _change(
        RenameField(model="todo_items", field="title", new_name="headline"),
        RenameModel(model="todo_labels", new_name="todo_tags"),
    ))
    assert not plan.diagnostics and not plan.destructive
    kinds = {type(s) for s in plan.steps}
    assert RenameColumn in kinds and RenameTable in kinds
    assert not kinds & {DropColumn, AddColumn, DropTable, CreateTable}
    column = next(s for s in plan.steps if isinstance(s, RenameColumn))
    assert (column.table, column.old, column.new) == ("todo_items", "title", "headline")
    table = next(s for s in plan.steps if isinstance(s, RenameTable))
    assert (table.old, table.new) == ("todo_labels", "todo_tags")
    assert (table.old_primary_key, table.new_primary_key) == ("pk_todo_labels", "pk_todo_tags")
    # constraints whose names embed the old table name follow it
    created = {s.index.name for s in plan.steps if isinstance(s, CreateIndex)}
    assert "uq_todo_tags_todo_user_id_name" in created


def test_remove_then_add_of_the_same_name_is_a_new_column(todo: ProjectSpec) -> None:
    notes = _plain(todo, "todo_items", "notes")
    plan = plan_migration(todo, _change(
        RemoveField(model="todo_items", field="notes"),
        AddField(model="todo_items", field=notes),
    ))
    kinds = [type(s) for s in plan.steps]
    assert kinds == [DropColumn, AddColumn]
    assert plan.destructive == (plan.steps[0],)


def test_required_without_default_is_refused_at_the_edit(todo: ProjectSpec) -> None:
    plan = plan_migration(todo, _change(
        AddField(model="todo_items", field=PlainField(name="note2", type="string",
                                                      nullable=True)),
        AddField(model="todo_lists", field=PlainField(name="rank", type="int")),
    ))
    assert [(d.path, d.code) for d in plan.diagnostics] == [
        ("$.edits[1]", "migration.required-without-default")]
    allowed = " ".join(plan.diagnostics[0].allowed)
    assert "nullable" in allowed and "default" in allowed
    # with a default, or nullable, it is fine; so is a required field of a new table
    ok = plan_migration(todo, _change(
        AddField(model="todo_lists", field=PlainField(name="rank", type="int", default=0))))
    assert not ok.diagnostics
    step = next(s for s in ok.steps if isinstance(s, AddColumn))
    assert step.column.default == 0 and not step.column.nullable
    notes = _plain(todo, "todo_items", "notes")
    required = plan_migration(todo, _change(ModifyField(
        model="todo_items", field="notes", definition=notes.model_copy(
            update={"nullable": False}))))
    assert [d.code for d in required.diagnostics] == ["migration.required-without-default"]


def test_an_unsafe_type_change_is_refused_and_a_widening_is_not(todo: ProjectSpec) -> None:
    title = _plain(todo, "todo_items", "title")
    refused = plan_migration(todo, _change(ModifyField(
        model="todo_items", field="title",
        definition=title.model_copy(update={"type": "int", "min_length": None,
                                            "max_length": None}))))
    assert [(d.path, d.code) for d in refused.diagnostics] == [
        ("$.edits[0]", "migration.unsafe-type-change")]
    assert "widening" in refused.diagnostics[0].allowed[0]
    priority = _plain(todo, "todo_items", "priority")
    widened = plan_migration(todo, _change(ModifyField(
        model="todo_items", field="priority", definition=priority.model_copy(
            update={"type": "double"}))))
    assert not widened.diagnostics and not widened.destructive
    alter = next(s for s in widened.steps if isinstance(s, AlterColumn))
    assert (alter.before.type.kind, alter.after.type.kind) == ("int", "double")
    longer = plan_migration(todo, _change(ModifyField(
        model="todo_items", field="title", definition=title.model_copy(
            update={"max_length": 500}))))
    assert not longer.diagnostics and not longer.destructive
    shorter = plan_migration(todo, _change(ModifyField(
        model="todo_items", field="title", definition=title.model_copy(
            update={"max_length": 50}))))
    assert not shorter.diagnostics
    assert [type(s) for s in shorter.destructive] == [AlterColumn]


def test_destructive_steps_are_flagged(todo: ProjectSpec) -> None:
    status = _plain(todo, "todo_items", "status")
    assert status.enum == ["open", "done", "cancelled"]
    narrowed = plan_migration(todo, _change(ModifyField(
        model="todo_items", field="status",
        definition=status.model_copy(update={"enum": ["open", "done"]}))))
    assert [type(s) for s in narrowed.destructive] == [CreateCheck]
    widened = plan_migration(todo, _change(ModifyField(
        model="todo_items", field="status",
        definition=status.model_copy(update={"enum": ["open", "done", "cancelled", "late"]}))))
    assert [type(s) for s in widened.steps] == [DropCheck, CreateCheck]
    assert not widened.destructive
    removed = plan_migration(todo, _change(RemoveField(model="todo_items", field="notes")))
    assert [type(s) for s in removed.destructive] == [DropColumn]
    added = plan_migration(todo, _change(
        AddIndex(model="todo_items", kind="plain", field_names=["priority"])))
    assert [type(s) for s in added.steps] == [CreateIndex] and not added.destructive
    assert added.steps[0].describe().startswith("create index ix_todo_items_priority")
    gin = plan_migration(todo, _change(
        AddIndex(model="todo_items", kind="gin", field_names=["title"])))
    assert [type(s) for s in gin.steps] == [EnableTrigram, CreateIndex]
    dropped = plan_migration(todo, _change(
        RemoveIndex(model="todo_lists", kind="plain", field_names=["created_at"])))
    assert [type(s) for s in dropped.steps] == [DropIndex] and not dropped.destructive


def test_a_description_edit_is_no_schema_change(todo: ProjectSpec) -> None:
    title = _plain(todo, "todo_items", "title")
    plan = plan_migration(todo, _change(ModifyField(
        model="todo_items", field="title",
        definition=title.model_copy(update={"description": "Another text"}))))
    assert plan.steps == () and plan.diagnostics == ()


# --------------------------------------------------------------------------- steps

FK = ForeignKey(name="fk_b_a_id", target_table="a", target_column="id")
ID = Column(name="id", type=ColumnType(kind="uuid"), primary_key=True)
NAME = Column(name="name", type=ColumnType(kind="string", length=40))
KIND = Column(name="kind", type=ColumnType(kind="text"), enum=("x", "y"), check_name="ck_b_kind")
A_ID = Column(name="a_id", type=ColumnType(kind="uuid"), foreign_key=FK)
TABLE = Table(name="b", primary_key_name="pk_b", columns=(ID, A_ID, NAME, KIND),
              indexes=(Index(name="ix_b_a_id", columns=("a_id",)),),
              uniques=(Index(name="uq_b_name", columns=("name",), unique=True),))
INDEX = Index(name="gx_b_name", columns=("name",), method="gin")

SAMPLES: list[Any] = [
    EnableTrigram(),
    CreateTable(table=TABLE),
    DropTable(table=TABLE, deferred_foreign_keys=("a_id",)),
    RenameTable(old="b", new="c", old_primary_key="pk_b", new_primary_key="pk_c"),
    AddColumn(table="b", column=NAME.model_copy(update={"default": "n/a"})),
    DropColumn(table="b", column=KIND),
    RenameColumn(table="b", old="name", new="title"),
    AlterColumn(table="b", before=NAME, after=NAME.model_copy(
        update={"type": ColumnType(kind="string", length=20)}), narrowing=True),
    CreateIndex(table="b", index=INDEX),
    DropIndex(table="b", index=Index(name="uq_b_name", columns=("name",), unique=True)),
    CreateCheck(table="b", column="kind", name="ck_b_kind", values=("x", "y", "z")),
    DropCheck(table="b", column="kind", name="ck_b_kind", values=("x", "y")),
    CreateForeignKey(table="b", column="a_id", foreign_key=FK),
    DropForeignKey(table="b", column="a_id", foreign_key=FK),
]


def _step_classes() -> set[type]:
    union = get_args(Step)[0]
    return set(get_args(union))


def test_every_step_class_has_a_renderer_and_a_sample() -> None:
    classes = _step_classes()
    assert len(classes) == 14
    assert set(RENDERERS) == classes
    assert {type(s) for s in SAMPLES} == classes


@pytest.mark.parametrize("step", SAMPLES, ids=lambda s: type(s).__name__)
def test_every_step_has_an_exact_inverse(step: Any) -> None:
    assert step.inverse().inverse() == step
    assert type(step.inverse()) in _step_classes()
    assert step.describe() and step.inverse().describe()


def test_a_narrowing_check_has_an_exact_inverse() -> None:
    step = CreateCheck(table="b", column="kind", name="ck_b_kind", values=("x",),
                       narrowing=True)
    assert step.inverse().inverse() == step


def test_destructive_steps_are_the_ones_that_can_lose_data() -> None:
    destructive = {type(s).__name__ for s in SAMPLES if s.destructive}
    assert destructive == {"DropTable", "DropColumn", "AlterColumn"}
    # undoing a narrowing widens again; undoing a widening narrows
    alter = next(s for s in SAMPLES if isinstance(s, AlterColumn))
    assert not alter.inverse().destructive
    assert alter.inverse().inverse().destructive


def test_a_migration_script_renders_every_step_both_ways() -> None:
    script = render(MigrationSlice(revision=3, id=migration_id(3), down=migration_id(2),
                                   title='All "steps" \\ at once', steps=tuple(SAMPLES)))
    compile(script, "r0003.py", "exec")
    assert "revision = 'r0003'" in script and "down_revision = 'r0002'" in script
    assert script.index("def upgrade()") < script.index("def downgrade()")
    assert "[destructive] drop table b" in script
    assert inverse_steps(inverse_steps(SAMPLES)) == SAMPLES


def test_a_recorded_slice_survives_json(todo: ProjectSpec) -> None:
    """The history keeps the slice as JSON: it must come back equal (same key, same text)."""
    plan = plan_migration(ProjectSpec(name=todo.name), creation(todo))
    recorded = MigrationSlice(revision=1, id=migration_id(1), down=None, title="create",
                              steps=(*plan.steps, *SAMPLES))
    again = MigrationSlice.model_validate_json(recorded.model_dump_json())
    assert again == recorded
    assert render(again) == render(recorded)
