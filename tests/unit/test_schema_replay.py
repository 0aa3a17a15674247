"""Replaying a recorded chain of migrations, and catching it up with today's generators.

- every step class has an applier, and replaying a spec's first migration gives the
  schema derived from the spec (the fixtures and the six AutoBe examples);
- replaying a change's steps after the schema before gives the schema after (random
  changes, the same strategies as the living-database property);
- a chain an older autobe recorded (its members without ``token_version``): the next
  change's migration first adds the column with its default, and the chain then replays
  to the head's schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from autobe_core.generate.kinds.migration import initial_chain
from autobe_core.importer import import_autobe
from autobe_core.schema import Step, plan_migration, schema_of
from autobe_core.schema.replay import APPLIERS, catch_up, normal, replay
from autobe_core.schema.steps import AddColumn, CreateTable
from autobe_core.service.migrations import with_catch_up
from autobe_core.spec import (
    AddField,
    ChangeSet,
    DiagnosticError,
    PlainField,
    ProjectSpec,
    apply,
    load_spec,
)
from tests import changeset_strategies as cs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"


def test_every_step_class_has_an_applier() -> None:
    classes = get_args(get_args(Step)[0])
    assert set(classes) == set(APPLIERS)


def specs() -> list[Any]:
    found: list[Any] = [pytest.param(f"fixture:{n}", id=n) for n in ("todo", "bbs")]
    if EXAMPLES.is_dir():
        found += [pytest.param(f"example:{p.parent.name}/{p.name}",
                               id=f"{p.parent.name}/{p.name}")
                  for p in sorted(EXAMPLES.glob("*/*")) if (p / "autobe").is_dir()]
    return found


def load(source: str) -> ProjectSpec:
    kind, _, name = source.partition(":")
    if kind == "fixture":
        return load_spec(ROOT / "fixtures" / f"{name}.yaml")
    return import_autobe([EXAMPLES / name]).spec


@pytest.mark.parametrize("source", specs())
def test_the_first_migration_replays_to_the_derived_schema(source: str) -> None:
    spec = load(source)
    chain = initial_chain(spec, "create")
    recorded = replay(step for m in chain for step in m.steps)
    assert normal(recorded) == normal(schema_of(spec))
    assert catch_up(recorded, schema_of(spec)) == ()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_changes_steps_replay_from_the_schema_before_to_the_schema_after(
    data: st.DataObject,
) -> None:
    spec = load_spec(ROOT / "fixtures" / "bbs.yaml")
    try:
        sequence = data.draw(cs.changeset_sequences(spec))
    except DiagnosticError:  # the strategies know nothing of bbs's access.owner overrides:
        reject()             # a draw renaming a field such a chain names does not apply
    for changeset in sequence:
        plan = plan_migration(spec, changeset, rollback=True)
        assert normal(replay(plan.steps, plan.before)) == normal(plan.after)
        spec = apply(spec, changeset)


def test_a_chain_an_older_autobe_recorded_is_caught_up_by_the_next_change() -> None:
    spec = load_spec(ROOT / "fixtures" / "bbs.yaml")
    (first,) = initial_chain(spec, "create")
    # what an autobe without revocable tokens recorded: members had no token_version
    old_steps = tuple(
        s.model_copy(update={"table": s.table.model_copy(update={"columns": tuple(
            c for c in s.table.columns if c.name != "token_version")})})
        if isinstance(s, CreateTable) and s.table.name == "bbs_members" else s
        for s in first.steps)
    old_chain = (first.model_copy(update={"steps": old_steps}),)
    assert catch_up(replay(old_steps), schema_of(spec)) != ()

    change = ChangeSet(edits=[AddField(model="bbs_articles", field=PlainField(
        name="subtitle", type="string", max_length=80, nullable=True))])
    plan = with_catch_up(old_chain, plan_migration(spec, change))
    added = [s for s in plan.steps if isinstance(s, AddColumn)]
    assert [(s.table, s.column.name, s.column.default) for s in added] == [
        ("bbs_members", "token_version", 0), ("bbs_articles", "subtitle", None)]
    # the chain with this migration replays to the schema of the spec after the change
    recorded = replay([*old_steps, *plan.steps])
    assert normal(recorded) == normal(plan.after)
    # a chain that agrees with the generators gets nothing more
    current = with_catch_up((first,), plan_migration(spec, change))
    assert [s.column.name for s in current.steps if isinstance(s, AddColumn)] == ["subtitle"]
