"""The history invariants, through the real service: in memory (eventsourcing's POPO
event store, an in-memory blob database) where a database adds nothing, and on SQLite
and PostgreSQL in :func:`test_history_on_each_storage_backend`.

- after every change the workspace is byte-identical to a clean build of that
  revision's spec;
- replaying every stored event (no snapshot) gives the live aggregate, and folding the
  recorded changesets from the empty spec gives every revision's spec;
- rollback to any earlier revision k reproduces revision k's files exactly, without
  generating anything;
- adding one field regenerates only the modules whose slice holds that model.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autobe_core.build.builder import clean_build
from autobe_core.build.manifest import MANIFEST_NAME
from autobe_core.generate import MigrationSlice
from autobe_core.graph import affected
from autobe_core.schema import plan_migration
from autobe_core.service import (
    ChangeOptions,
    HeadMoved,
    MemoryStorage,
    ProjectService,
    StorageFactory,
)
from autobe_core.spec.changeset import AddField, ChangeSet, parse_changeset
from autobe_core.spec.diagnostics import DiagnosticError
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import PlainField, ProjectSpec
from tests.changeset_strategies import changeset_sequences
from tests.conftest import fresh_storage_url
from tests.trees import app_part, migration_files, tree

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = {"todo": ROOT / "fixtures" / "todo.yaml", "bbs": ROOT / "fixtures" / "bbs.yaml"}
SPECS = {name: load_spec(path) for name, path in FIXTURES.items()}
FAST = ChangeOptions(author="property", verify=False)


def clean_tree(
    spec: ProjectSpec, migrations: tuple[MigrationSlice, ...] = ()
) -> dict[str, bytes]:
    """The files of a clean build of ``spec`` with its chain of ``migrations``."""
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "backend"
        clean_build(spec, workspace, migrations=migrations)
        return tree(workspace)


def fold_spec(service: ProjectService, name: str, revision: int) -> ProjectSpec:
    """A revision's spec rebuilt from the recorded edits alone, from the empty spec."""
    specs: dict[int, ProjectSpec] = {}
    current = ProjectSpec(name=name)
    for entry in service.log():
        r = entry.revision
        if r.kind == "rollback":
            assert r.rolled_back_to is not None
            current = specs[r.rolled_back_to]
        else:
            current = apply(current, parse_changeset(r.changeset))
        specs[r.number] = current
    return specs[revision]


def new_project(
    tmp: Path, fixture: str, store: str | None = None, storages: StorageFactory | None = None
) -> ProjectService:
    """A project at revision 1; its history in memory unless ``store`` names a database."""
    storages = storages or (None if store else MemoryStorage())
    result = ProjectService.init(
        tmp / "project", FIXTURES[fixture], author="test", store=store, storages=storages
    )
    return ProjectService(result.layout, storages)


PROPERTY = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.parametrize("fixture", ["todo", "bbs"])
@settings(PROPERTY, max_examples=3)
@given(data=st.data())
def test_history_invariants_hold_for_random_changes(fixture: str, data: st.DataObject) -> None:
    history_invariants(fixture, data)


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["todo", "bbs"])
@settings(PROPERTY, max_examples=5)
@given(data=st.data())
def test_history_invariants_hold_for_more_random_changes(
    fixture: str, data: st.DataObject
) -> None:
    """Five more examples of each, drawn from another seed (another test name)."""
    history_invariants(fixture, data)


def history_invariants(fixture: str, data: st.DataObject) -> None:
    """Random changes, then a random rollback, on a fresh project of ``fixture``: every
    invariant of the module docstring, checked after every step."""
    spec0 = SPECS[fixture]
    sequence = data.draw(changeset_sequences(spec0, max_len=4), label="changes")
    with tempfile.TemporaryDirectory() as tmp:
        service = new_project(Path(tmp), fixture)
        layout = service.layout
        expected = [spec0]
        trees = [tree(layout.workspace)]
        assert trees[0] == clean_tree(spec0, service.migrations())
        for changeset in sequence:
            chain = service.migrations()
            outcome = service.change(changeset, FAST)
            assert outcome.revision is not None
            expected.append(apply(expected[-1], changeset))
            assert service.spec() == expected[-1]
            # the revision's migration is the change's intent, from the spec before it
            steps = plan_migration(expected[-2], changeset).steps
            new_chain = service.migrations()
            assert new_chain == (chain + new_chain[-1:] if steps else chain)
            if steps:
                assert new_chain[-1].steps == steps
            trees.append(tree(layout.workspace))
            assert trees[-1] == clean_tree(expected[-1], new_chain), "incremental != clean"

        head = len(expected)
        with service.session() as session:
            live = session.project()
            replayed = session.storage.history.replay(use_snapshots=False)
            assert replayed.state() == live.state()
            assert live.head == head
            for number in range(1, head + 1):
                assert session.spec_at(live, number) == expected[number - 1]
        assert fold_spec(service, spec0.name, head) == expected[-1]

        if head > 1:
            k = data.draw(st.integers(min_value=1, max_value=head - 1), label="rollback to")
            outcome = service.rollback(k, FAST)
            # nothing is generated but the rollback's own migration (when the schema moves)
            assert all(m.startswith("migration:") for m in outcome.regenerated)
            assert app_part(tree(layout.workspace)) == app_part(trees[k - 1])
            assert service.spec() == expected[k - 1]
            target = Path(tmp) / "checkout"
            service.checkout(k, target)
            assert tree(target) == trees[k - 1]
            assert fold_spec(service, spec0.name, head + 1) == expected[k - 1]


def test_adding_one_field_regenerates_only_the_modules_holding_that_model(
    tmp_path: Path,
) -> None:
    service = new_project(tmp_path, "bbs")
    before = service.spec()
    change = ChangeSet(
        edits=[
            AddField(
                model="bbs_articles",
                field=PlainField(name="featured", type="boolean", nullable=True),
            )
        ],
        summary="feature articles",
    )
    outcome = service.change(
        change, ChangeOptions(author="ann", verify=False), text="feature articles"
    )
    expected = affected(before, service.spec())
    # the graph's changed modules, and the revision's new migration (which adds the column)
    assert set(outcome.regenerated) == expected.ids("changed") | {"migration:r0002"}
    assert expected.ids("changed") == {
        m for m in expected.ids("changed") if m.endswith(":bbs_articles") or m.startswith("test:")
    }
    assert {
        "migration:r0002",
        "model:bbs_articles",
        "dto:bbs_articles",
        "collector:bbs_articles",
        "transformer:bbs_articles",
    } <= set(outcome.regenerated)
    entry = service.log()[-1]
    workspace = service.layout.workspace
    total = len(list(workspace.rglob("*.py"))) + 2  # + pyproject.toml and alembic.ini
    assert entry.regenerated == len(outcome.regenerated) < 20
    assert entry.regenerated + entry.reused == total
    assert entry.modules_summary() == (
        f"{entry.regenerated} regenerated, {total - entry.regenerated} reused, 0 removed"
    )
    assert (service.layout.workspace / MANIFEST_NAME).is_file()


def test_a_verified_change_records_its_verification(tmp_path: Path) -> None:
    service = new_project(tmp_path, "todo")
    change = ChangeSet(
        edits=[
            AddField(
                model="todo_labels", field=PlainField(name="position", type="int", nullable=True)
            )
        ]
    )
    outcome = service.change(change, ChangeOptions(author="bo"), text="order labels")
    assert outcome.verification is not None and outcome.verification.ok
    revision = service.log()[-1].revision
    assert revision.verification is not None and revision.verification.ok
    names = [r["name"] for r in revision.verification.rungs]
    assert names == ["compile", "mypy", "migrate", "import", "tests"]


def add_field(model: str, name: str) -> ChangeSet:
    return ChangeSet(
        edits=[AddField(model=model, field=PlainField(name=name, type="int", nullable=True))]
    )


def test_a_proposal_is_applied_as_proposed_and_only_on_its_base(tmp_path: Path) -> None:
    service = new_project(tmp_path, "todo")
    first = service.propose(add_field("todo_items", "alpha"), text="alpha")
    second = service.propose(add_field("todo_lists", "beta"))
    assert first.base == second.base == 1
    assert len(service.log()) == 1  # proposing writes nothing
    plan = first.checked()
    assert "dto:todo_items" in plan.affected.ids("changed")

    outcome = service.apply(first, FAST)
    assert outcome.revision is not None and outcome.revision.number == 2
    assert outcome.revision.text == "alpha" and outcome.revision.planner == "edits"
    assert service.spec() == plan.spec
    with pytest.raises(HeadMoved, match="conflict"):
        service.apply(second, FAST)  # proposed against revision 1, the head is 2
    assert len(service.log()) == 2 and service.rejections() == []
    assert not (service.layout.state / "autobe.db").exists()  # the history is in memory


def test_edits_that_do_not_apply_are_rejected_when_applied(tmp_path: Path) -> None:
    service = new_project(tmp_path, "todo")
    proposal = service.propose(add_field("todo_itemz", "alpha"))
    assert proposal.plan is None and proposal.problem is not None
    with pytest.raises(DiagnosticError):
        proposal.checked()
    assert service.rejections() == []
    with pytest.raises(DiagnosticError):
        service.apply(proposal, FAST)
    (rejection,) = service.rejections()
    assert rejection.stage == "apply"
    assert [d["path"] for d in rejection.diagnostics] == ["$.edits[0].model"]
    assert len(service.log()) == 1


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres")])
def test_history_on_each_storage_backend(tmp_path: Path, backend: str) -> None:
    with fresh_storage_url(backend, tmp_path) as url:
        service = new_project(tmp_path, "todo", store=url)
        first = tree(service.layout.workspace)
        for word in ("alpha", "beta"):
            change = ChangeSet(
                edits=[
                    AddField(
                        model="todo_lists", field=PlainField(name=word, type="int", nullable=True)
                    )
                ]
            )
            service.change(change, FAST)
        assert [e.revision.number for e in service.log()] == [1, 2, 3]
        service.rollback(1, FAST)
        after = tree(service.layout.workspace)
        assert app_part(after) == app_part(first)
        assert migration_files(after) == [
            f"migrations/versions/r000{n}.py" for n in (1, 2, 3, 4)
        ]  # the chain only grows: revision 4 goes forward to revision 1's schema
        with service.session() as session:
            assert session.storage.config is not None
            assert session.storage.config.backend.startswith(backend)
            live = session.project()
            assert session.storage.history.replay().state() == live.state()
