"""The rule planner's feature catalog: add then remove restores the spec exactly for every
feature on every fixture, every feature migrates an existing database, fields added to
existing models are nullable or defaulted, money is decimal, removal takes exactly the
feature; plans record the planner; the docs list every form and feature."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from autobe_core.planning.base import NotUnderstood, Plan
from autobe_core.planning.rules import NothingToDo
from autobe_core.planning.rules.adapt import Conventions
from autobe_core.planning.rules.catalog import CATALOG, find_feature
from autobe_core.planning.rules.catalog.base import Ctx, Feature, Parts
from autobe_core.planning.rules.catalog.engine import feature_parts
from autobe_core.schema import plan_migration
from autobe_core.spec.changeset import (
    AddOperation,
    ChangeSet,
    RemoveOperation,
)
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.model import (
    PlainField,
    ProjectSpec,
)
from tests.unit.rule_planner.support import (
    PLANNER,
    ROOT,
    SPECS,
    imported_notes,
    plan,
)

# --------------------------------------------------------------------------- add / remove


def test_the_catalog_has_at_least_fifteen_features_with_unique_names() -> None:
    assert len(CATALOG) >= 15
    keys = [f.key for f in CATALOG]
    assert len(set(keys)) == len(keys)
    for feature in CATALOG:
        assert find_feature(feature.key) is feature
        for alias in feature.aliases:
            assert find_feature(alias) is feature, alias
        assert feature.example and feature.adds


ALTERNATIVE_TARGET = {"todo": "labels", "bbs": "comments", "kitchen": "reviews", "notes": "users"}
"""Where a feature goes when the project already has it on its main model."""


def add_then_remove(spec: ProjectSpec, key: str, target: str | None = None) -> ProjectSpec:
    where = f" to {target}" if target else ""
    added = PLANNER.plan(spec, f"add {key}{where}")
    assert added.planner == "rules"
    after = apply(spec, added.changeset)
    assert after != spec
    removed = PLANNER.plan(after, f"remove {key}")
    back = apply(after, removed.changeset)
    return back


@pytest.mark.parametrize("feature", [f.key for f in CATALOG])
@pytest.mark.parametrize("fixture", ["todo", "bbs", "kitchen"])
def test_add_then_remove_restores_the_spec_exactly(fixture: str, feature: str) -> None:
    spec = SPECS[fixture]
    try:
        back = add_then_remove(spec, feature)
    except NothingToDo:
        # the project has the feature on its main model already: put it elsewhere
        back = add_then_remove(spec, feature, ALTERNATIVE_TARGET[fixture])
    assert back == spec


@pytest.mark.parametrize("feature", [f.key for f in CATALOG])
def test_add_then_remove_on_an_imported_project(feature: str) -> None:
    spec = imported_notes()
    if spec is None:
        pytest.skip("the AutoBe importer is not available")
    try:
        back = add_then_remove(spec, feature)
    except NothingToDo:
        back = add_then_remove(spec, feature, ALTERNATIVE_TARGET["notes"])
    assert back == spec


def spec_of(fixture: str) -> ProjectSpec:
    if fixture != "notes":
        return SPECS[fixture]
    spec = imported_notes()
    if spec is None:
        pytest.skip("the AutoBe importer is not available")
    return spec


def planned_addition(spec: ProjectSpec, fixture: str, key: str) -> Plan:
    try:
        return PLANNER.plan(spec, f"add {key}")
    except NothingToDo:
        return PLANNER.plan(spec, f"add {key} to {ALTERNATIVE_TARGET[fixture]}")


@pytest.mark.parametrize("feature", [f.key for f in CATALOG])
@pytest.mark.parametrize("fixture", ["todo", "bbs", "kitchen", "notes"])
def test_every_feature_migrates_an_existing_database(fixture: str, feature: str) -> None:
    """A feature's changeset passes the migration check ``propose`` runs: it never adds a
    required field without a default to a table that has rows."""
    spec = spec_of(fixture)
    changeset = planned_addition(spec, fixture, feature).changeset
    migration = plan_migration(spec, changeset)
    assert migration.diagnostics == (), [d.message for d in migration.diagnostics]
    schema_edits = [e for e in changeset.edits if not isinstance(e, AddOperation)]
    assert bool(migration.steps) == bool(schema_edits)  # operations alone: no step
    assert not migration.destructive


def every_feature_parts(spec: ProjectSpec) -> Iterator[tuple[Feature, Parts]]:
    """What every catalog feature makes on every model it can attach to (and on whole
    scopes) of ``spec``."""
    conv = Conventions.of(spec)
    for feature in CATALOG:
        for target in [None, *spec.models]:
            try:
                parts = feature_parts(feature, Ctx(conv, target, None))
            except (ValueError, NotUnderstood):
                continue
            yield feature, parts


@pytest.mark.parametrize("fixture", ["todo", "bbs", "kitchen", "notes"])
def test_fields_a_feature_adds_to_existing_models_are_nullable_or_defaulted(
    fixture: str,
) -> None:
    """On every model a feature can attach to (and on whole scopes): the fields it puts
    on models that exist are nullable or have a default; counters, flags, statuses and
    timestamps get a neutral default."""
    spec = spec_of(fixture)
    checked = 0
    for feature, parts in every_feature_parts(spec):
        for model_name, f in parts.fields:
            assert spec.model(model_name) is not None
            defaulted = isinstance(f, PlainField) and f.default is not None
            assert f.nullable or defaulted, (feature.key, model_name, f.name)
            checked += 1
    assert checked


@pytest.mark.parametrize("fixture", ["todo", "bbs", "kitchen", "notes"])
def test_money_the_catalog_creates_is_decimal(fixture: str) -> None:
    """Every field a feature creates whose name says money (as the importer reads
    names) is an exact decimal, never a double."""
    from autobe_core.importer import is_money

    spec = spec_of(fixture)
    for feature, parts in every_feature_parts(spec):
        plain = [f for m in parts.models for f in m.plain_fields]
        plain += [f for _, f in parts.fields if isinstance(f, PlainField)]
        for f in plain:
            assert f.type != "double" or not is_money(f.name), (feature.key, f.name)
            if f.type == "decimal":
                assert (f.precision, f.scale) == (18, 2), (feature.key, f.name)


def test_remove_after_other_changes_removes_exactly_the_feature() -> None:
    spec = SPECS["todo"]
    with_comments = apply(spec, PLANNER.plan(spec, "add comments").changeset)
    later = with_comments
    for text in ("add a nullable due date to lists", "add likes to lists", "add soft delete"):
        later = apply(later, PLANNER.plan(later, text).changeset)
    removed = apply(later, PLANNER.plan(later, "remove comments").changeset)
    expected = spec
    for text in ("add a nullable due date to lists", "add likes to lists", "add soft delete"):
        expected = apply(expected, PLANNER.plan(expected, text).changeset)
    assert removed == expected


def test_remove_names_the_target_when_a_feature_is_on_several_models() -> None:
    spec = SPECS["todo"]
    for text in ("add likes to items", "add likes to lists"):
        spec = apply(spec, PLANNER.plan(spec, text).changeset)
    with pytest.raises(NotUnderstood) as info:
        PLANNER.plan(spec, "remove likes")
    assert sorted(info.value.closest) == [
        "remove likes from todo_items",
        "remove likes from todo_lists",
    ]
    back = apply(spec, PLANNER.plan(spec, "remove likes from lists").changeset)
    assert back == apply(SPECS["todo"], PLANNER.plan(SPECS["todo"], "add likes to items").changeset)


def test_a_completed_feature_removes_only_what_was_added() -> None:
    spec = SPECS["bbs"]
    after = apply(spec, PLANNER.plan(spec, "add notifications").changeset)
    removal = PLANNER.plan(after, "remove notifications")
    assert removal.changeset.edits == [
        RemoveOperation(method="post", path="/bbs/admin/notifications"),
        RemoveOperation(method="patch", path="/bbs/admin/notifications"),
    ]
    assert apply(after, removal.changeset) == spec


def test_plans_record_the_rules_planner_and_a_summary() -> None:
    result = plan("bbs", "add bookmarks")
    assert result.planner == "rules" and result.tokens == 0 and result.tries == 1
    assert result.changeset.summary == "add bookmarks to bbs_articles"
    assert isinstance(result.changeset, ChangeSet)


def test_every_documented_example_is_understood_on_some_fixture() -> None:
    """Planned (and applied), or understood as already done ("remove likes from lists"
    before any likes: NothingToDo); never NotUnderstood on every fixture."""
    from autobe_core.planning.rules.grammar import FORMS

    examples = [e for form in FORMS for e in form.examples] + [f.example for f in CATALOG]
    planned = 0
    for text in examples:
        understood = False
        for spec in SPECS.values():
            try:
                apply(spec, PLANNER.plan(spec, text).changeset)
            except NothingToDo:
                understood = True
                continue
            except NotUnderstood:
                continue
            understood = True
            planned += 1
            break
        assert understood, text
    assert planned >= len(examples) - 2


def test_docs_list_every_form_and_feature() -> None:
    from autobe_core.planning.rules.grammar import FORMS

    docs = (ROOT / "docs" / "planning.md").read_text(encoding="utf-8")
    for form in FORMS:
        for example in form.examples:
            assert f"`{example}`" in docs, example
    for feature in CATALOG:
        assert f"| {feature.key} |" in docs, feature.key
        assert f"`{feature.example}`" in docs, feature.example
