"""The Project aggregate and ProjectHistory, on real stores (SQLite; PostgreSQL when
AUTOBE_TEST_POSTGRES_URL is set): events and state, invariants, snapshots, upcasting,
optimistic concurrency between processes, and live == replayed for random histories."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autobe_core.history import (
    PROJECT_ID,
    DuplicateRequest,
    DuplicateTag,
    HistoryConflict,
    HistoryError,
    Project,
    ProjectAlreadyCreated,
    ProjectHistory,
    ProjectMissing,
    UnknownRequest,
    UnknownRevision,
)
from autobe_core.history.events import STAGES
from autobe_core.service.storage import open_storage
from tests.conftest import fresh_storage_url, requires_postgres

DELTA = {
    "added": [{"id": "model:todo", "path": "app/models/todo.py", "oldSha256": None,
               "newSha256": "ab" * 32, "key": "k1",
               "reasons": [{"element": "model:todo", "change": "added",
                            "path": ["model:todo", "reads", "model:todo"]}]}],
    "changed": [], "removed": [], "reused": ["dto:user", "app:main"],
}
RUNGS = [{"name": "compile", "status": "passed", "seconds": 0.1, "summary": "3 files"}]


def change(project: Project, rid: str, spec: str = "s1", **request: Any) -> int:
    """Request and apply one change; the new revision number."""
    project.request_change(rid, author="ann", text=f"change {rid}",
                           changeset={"edits": [{"op": "addModel"}]}, **request)
    return project.apply_change(rid, spec_hash=spec, manifest_hash=f"m-{spec}",
                                changeset={"edits": [{"op": "addField"}]}, delta=DELTA).number


def new_project() -> Project:
    return Project(name="demo")


# --------------------------------------------------------------------------- events and state


def test_each_event_and_its_state() -> None:
    p = new_project()
    assert (p.name, p.head, p.head_revision, p.revisions, p.tags) == ("demo", 0, None, [], {})
    pending = p.request_change("r1", author="ann", text="add todos", changeset={"edits": []},
                               planner="llm", tokens=120, tries=2)
    assert (pending.planner, pending.tokens, pending.tries, pending.base) == ("llm", 120, 2, 0)
    assert p.head == 0 and set(p.pending) == {"r1"}
    rev = p.apply_change("r1", spec_hash="s1", manifest_hash="m1",
                         changeset={"edits": [{"op": "addModel"}]}, delta=DELTA)
    assert (rev.number, rev.kind, rev.request_id, rev.author, rev.text) == \
        (1, "change", "r1", "ann", "add todos")
    assert (rev.planner, rev.tokens, rev.tries, rev.spec_hash, rev.manifest_hash) == \
        ("llm", 120, 2, "s1", "m1")
    assert rev.changeset == {"edits": [{"op": "addModel"}]} and rev.delta == DELTA
    assert rev.counts.summary() == "1 added, 0 changed, 0 removed, 2 reused"
    assert datetime.fromisoformat(rev.timestamp).tzinfo is not None
    assert rev.verified is None and rev.rolled_back_to is None and p.pending == {}
    p.record_verification(1, ok=True, rungs=RUNGS)
    verification = p.revision(1).verification
    assert verification is not None and verification.ok and verification.rungs == tuple(RUNGS)

    p.request_change("r2", author="bob", text="oops", changeset={})
    rejection = p.reject_change("r2", stage="verify", diagnostics=[{"message": "mypy"}])
    assert (rejection.stage, rejection.head, rejection.author, rejection.planner) == \
        ("verify", 1, "bob", "edits")
    assert p.head == 1 and p.pending == {} and [r.request_id for r in p.rejections] == ["r2"]

    assert change(p, "r3", "s3") == 2
    back = p.roll_back(1, manifest_hash="m1", delta={"removed": [], "reused": 4}, author="cy")
    assert (back.number, back.kind, back.rolled_back_to, back.spec_hash) == (3, "rollback", 1, "s1")
    assert back.request_id is None and back.counts.reused == 4 and p.head == 3
    p.tag("v1", 1)
    p.tag("latest")
    assert p.tags == {"v1": 1, "latest": 3}
    assert [r.number for r in p.revisions] == [1, 2, 3]
    assert [p.resolve(x) for x in ("v1", "head", "2", 3)] == [1, 3, 2, 3]
    assert [type(e).__name__ for e in p.pending_events] == [
        "Created", "ChangeRequested", "ChangeApplied", "Verified", "ChangeRequested",
        "ChangeRejected", "ChangeRequested", "ChangeApplied", "RolledBack", "Tagged", "Tagged"]


def test_views_are_copies() -> None:
    p = new_project()
    change(p, "r1")
    p.revision(1).changeset["edits"].clear()
    p.revision(1).delta.clear()
    p.tags["x"] = 1
    assert p.revision(1).changeset["edits"] and p.revision(1).delta == DELTA and p.tags == {}


def test_a_revision_view_counts_its_delta_and_copies_it_when_read() -> None:
    """``log`` counts a revision's entries without copying its (possibly huge) delta; what
    a view hands out is still a copy, and the view keeps its own copy once read."""
    p = new_project()
    change(p, "r1")
    view = p.revision(1)
    assert (view.delta_len("added"), view.delta_len("reused"), view.delta_len("none")) == \
        (len(DELTA["added"]), len(DELTA["reused"]), 0)
    view.delta_entry("added").clear()
    view.delta["reused"].clear()
    view.changeset.clear()
    assert view.delta_entry("added") == DELTA["added"] and view.delta_entry("none") is None
    assert view.delta["reused"] == [] and view.changeset == {}
    assert p.revision(1).delta == DELTA and p.revision(1).changeset["edits"]


def test_a_delta_entry_is_a_copy_of_that_entry_alone() -> None:
    p = new_project()
    change(p, "r1")
    key = next(iter(DELTA))
    entry = p.delta_entry(1, key)
    assert entry == DELTA[key]
    if isinstance(entry, (list, dict)):
        entry.clear()
    assert p.delta_entry(1, key) == DELTA[key] and p.revision(1).delta == DELTA
    assert p.delta_entry(1, "no such entry") is None
    with pytest.raises(UnknownRevision, match=r"no revision 2: revisions are 1\.\.1"):
        p.delta_entry(2, key)


@pytest.mark.parametrize(
    ("command", "error", "message"),
    [
        (lambda p: p.apply_change("nope", spec_hash="s", manifest_hash="m", changeset={},
                                  delta={}), UnknownRequest, "'nope' is not pending: it was never"),
        (lambda p: p.apply_change("r1", spec_hash="s", manifest_hash="m", changeset={},
                                  delta={}), UnknownRequest, "already applied or rejected"),
        (lambda p: p.request_change("r1", author="", text="", changeset={}), DuplicateRequest,
         "already recorded"),
        (lambda p: p.request_change("", author="", text="", changeset={}), HistoryError,
         "request_id must be a non-empty string"),
        (lambda p: p.request_change("r9", author="", text="", changeset={"x": {1, 2}}),
         HistoryError, "not plain JSON"),
        (lambda p: p.request_change("r9", author="", text="", changeset={}, tokens=-1),
         HistoryError, "tokens must be an integer >= 0"),
        (lambda p: p.reject_change("r1", stage="verify", diagnostics=[]), UnknownRequest,
         "not pending"),
        (lambda p: p.roll_back(7, manifest_hash="m", delta={}), UnknownRevision,
         "no revision 7: revisions are 1..2"),
        (lambda p: p.roll_back(0, manifest_hash="m", delta={}), UnknownRevision, "no revision 0"),
        (lambda p: p.roll_back(2, manifest_hash="m", delta={}), HistoryError, "already the head"),
        (lambda p: p.roll_back(1, manifest_hash="m", delta={}, spec_hash="zz"), HistoryError,
         "must have its spec"),
        (lambda p: p.tag("v9", 3), UnknownRevision, "no revision 3"),
        (lambda p: p.tag("v1"), DuplicateTag, "tag 'v1' already names revision 1"),
        (lambda p: p.tag("12"), HistoryError, "invalid tag name"),
        (lambda p: p.tag("has space"), HistoryError, "invalid tag name"),
        (lambda p: p.record_verification(5, ok=True, rungs=[]), UnknownRevision, "no revision 5"),
        (lambda p: p.record_verification(1, ok=True, rungs=["x"]), HistoryError, "JSON object"),
        (lambda p: p.resolve("nope"), UnknownRevision, "no revision or tag 'nope'"),
    ],
)
def test_invariants_refuse_and_record_nothing(command: Any, error: type, message: str) -> None:
    p = new_project()
    change(p, "r1", "s1")
    p.tag("v1")
    change(p, "r2", "s2")
    p.request_change("r3", author="", text="", changeset={})
    p.reject_change("r3", stage="apply", diagnostics=[])
    before, events = p.state(), len(p.pending_events)
    with pytest.raises(error, match=message):
        command(p)
    assert p.state() == before and len(p.pending_events) == events


def test_rejection_stage_is_checked() -> None:
    p = new_project()
    p.request_change("r1", author="", text="", changeset={})
    with pytest.raises(HistoryError, match="unknown rejection stage 'deploy'"):
        p.reject_change("r1", stage="deploy", diagnostics=[])
    with pytest.raises(UnknownRevision, match="there is none yet"):
        p.tag("first")


# --------------------------------------------------------------------------- application


def test_create_get_replay_and_versions(storage_url: str) -> None:
    with open_storage(storage_url, snapshot_interval=0) as storage:
        history = storage.history
        with pytest.raises(ProjectMissing, match="holds no project"):
            history.get()
        with pytest.raises(ProjectMissing):
            history.replay()
        project = history.create("demo")
        with pytest.raises(ProjectAlreadyCreated, match="already holds a project"):
            history.create("other")
        change(project, "r1")
        history.save(project)
        assert history.get() == project == history.replay()
        assert history.at_version(1).head == 0 and history.at_version(2).pending
        assert history.at_version(3).head == 1
        with pytest.raises(HistoryError, match="has 3 events, not 9"):
            history.at_version(9)
        assert history.get().id == PROJECT_ID


def test_stored_events_are_plain_json(storage_url: str) -> None:
    with open_storage(storage_url) as storage:
        project = storage.history.create("demo")
        change(project, "r1")
        project.tag("v1")
        storage.history.save(project)
        stored = storage.history.recorder.select_events(PROJECT_ID)
    topics = [s.topic.rsplit(".", 1)[1] for s in stored]
    assert topics == ["Created", "ChangeRequested", "ChangeApplied", "Tagged"]
    assert {s.topic.split(":")[0] for s in stored} == {"autobe_core.history.project"}
    states = [json.loads(s.state) for s in stored]
    assert states[1]["class_version"] == 2 and states[1]["planner"] == "edits"
    assert set(states[2]) == {"timestamp", "request_id", "revision", "spec_hash",
                              "manifest_hash", "changeset", "delta"}
    assert states[2]["delta"] == DELTA


def test_snapshots_at_the_interval(storage_url: str) -> None:
    with open_storage(storage_url, snapshot_interval=3) as storage:
        history = storage.history
        project = history.create("demo")
        for i in range(5):  # 1 + 5 * 2 = 11 events
            change(project, f"r{i}", f"s{i}")
            history.save(project)
        assert history.snapshot_versions() == [3, 6, 9]
        assert history.get() == history.replay(use_snapshots=False) == project
        events = history.domain_events()
        assert history.snapshots is not None
        for snapshot in history.snapshots.get(PROJECT_ID):
            folded = None
            for domain_event in events[: snapshot.originator_version]:
                folded = domain_event.mutate(folded)  # type: ignore[attr-defined]
            assert snapshot.mutate(None) == folded  # type: ignore[attr-defined]


def test_snapshot_interval_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite",
           "SQLITE_DBNAME": str(tmp_path / "a.db")}
    monkeypatch.delenv("AUTOBE_SNAPSHOT_INTERVAL", raising=False)
    assert ProjectHistory(env).snapshot_interval == 10
    monkeypatch.setenv("AUTOBE_SNAPSHOT_INTERVAL", "4")
    assert ProjectHistory(env).snapshot_interval == 4
    assert ProjectHistory(env, snapshot_interval=2).snapshot_interval == 2
    disabled = ProjectHistory(env, snapshot_interval=0)
    assert disabled.snapshots is None and disabled.snapshot_versions() == []
    monkeypatch.setenv("AUTOBE_SNAPSHOT_INTERVAL", "often")
    with pytest.raises(HistoryError, match="'often' is not an integer"):
        ProjectHistory(env)


def test_upcast_change_requested_v1(storage_url: str) -> None:
    """A ChangeRequested stored before v2 (no planner / tokens / tries) loads upcast."""
    with open_storage(storage_url, snapshot_interval=2) as storage:
        history = storage.history
        history.create("old")
        v1_state = {"timestamp": datetime.now().astimezone(), "request_id": "r1",
                    "author": "ann", "text": "add todos", "changeset": {"edits": []}}
        history.recorder.insert_events([StoredEvent(
            originator_id=PROJECT_ID, originator_version=2,
            topic="autobe_core.history.project:Project.ChangeRequested",
            state=history.mapper.transcoder.encode(v1_state),
        )])
        raw = history.recorder.select_events(PROJECT_ID)[1]
        assert "class_version" not in json.loads(raw.state)
        project = history.get()
        request = project.pending_request("r1")
        assert (request.planner, request.tokens, request.tries) == ("edits", 0, 1)
        project.apply_change("r1", spec_hash="s", manifest_hash="m", changeset={}, delta={})
        history.save(project)  # version 3; the snapshot at 2 holds the upcast request
        assert history.get().revision(1).planner == "edits" == history.replay().revision(1).planner


CHILD = """
import sys
from autobe_core.service.storage import open_storage
with open_storage(sys.argv[1]) as storage:
    project = storage.history.get()
    project.tag("from-child")
    storage.history.save(project)
"""


def test_conflict_between_processes(storage_url: str) -> None:
    with open_storage(storage_url) as storage:
        history = storage.history
        project = history.create("demo")
        change(project, "r1")
        history.save(project)
        stale = history.get()
        subprocess.run([sys.executable, "-c", CHILD, storage_url], check=True,
                       cwd=Path(__file__).resolve().parents[2])
        stale.tag("from-parent")
        change(stale, "r2", "s2")
        count = len(history.domain_events())
        with pytest.raises(HistoryConflict, match="another process recorded a change"):
            history.save(stale)
        assert len(history.domain_events()) == count
        assert history.get().tags == {"from-child": 1} and history.get().head == 1


def test_conflict_between_instances_and_on_create(storage_url: str) -> None:
    with open_storage(storage_url) as first, open_storage(storage_url) as second:
        first.history.create("one")
        with pytest.raises(HistoryConflict):
            second.history.save(Project(name="two"))  # a create racing another
        a, b = first.history.get(), second.history.get()
        change(a, "ra")
        change(b, "rb")
        first.history.save(a)
        with pytest.raises(HistoryConflict):
            second.history.save(b)
        assert second.history.get() == a and second.history.get().name == "one"


# --------------------------------------------------------------------------- property

OPS = st.lists(st.one_of(
    st.tuples(st.just("apply"), st.integers(0, 3)),
    st.tuples(st.just("reject"), st.sampled_from(STAGES)),
    st.tuples(st.just("rollback"), st.integers(0, 50)),
    st.tuples(st.just("tag"), st.integers(0, 50)),
    st.tuples(st.just("verify"), st.booleans()),
    st.tuples(st.just("save"), st.booleans()),
), max_size=30)


def run_history(url: str, interval: int, ops: list[tuple[str, Any]]) -> None:
    with open_storage(url, snapshot_interval=interval) as storage:
        history = storage.history
        live = history.create("prop")
        specs: list[str] = []  # the model: spec hash per revision
        for n, (op, arg) in enumerate(ops):
            if op == "apply":
                assert change(live, f"r{n}", f"s{arg}") == len(specs) + 1
                specs.append(f"s{arg}")
            elif op == "reject":
                live.request_change(f"r{n}", author="", text="", changeset={})
                live.reject_change(f"r{n}", stage=arg, diagnostics=[{"n": n}])
            elif op == "rollback" and len(specs) >= 2:
                others = [i for i in range(1, len(specs) + 1) if i != live.head]
                target = others[arg % len(others)]
                live.roll_back(target, manifest_hash="m", delta={"changed": [n]})
                specs.append(specs[target - 1])
            elif op == "tag" and specs:
                live.tag(f"t{n}", arg % len(specs) + 1)
            elif op == "verify" and specs:
                live.record_verification(len(specs), ok=arg, rungs=RUNGS)
            elif op == "save":
                history.save(live)
                if arg:  # continue from the stored project (snapshot + later events)
                    live = history.get()
        history.save(live)
        assert [r.spec_hash for r in live.revisions] == specs and live.head == len(specs)
        assert history.get() == live == history.replay() == history.replay(use_snapshots=True)
        assert history.replay().state() == live.state()
        if interval:
            assert history.snapshot_versions() == list(range(interval, live.version + 1, interval))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(interval=st.integers(0, 4), ops=OPS)
def test_live_equals_replayed_sqlite(interval: int, ops: list[tuple[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_storage_url("sqlite", Path(tmp)) as url:
        run_history(url, interval, ops)


@requires_postgres
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(interval=st.integers(0, 4), ops=OPS)
def test_live_equals_replayed_postgres(interval: int, ops: list[tuple[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, fresh_storage_url("postgres", Path(tmp)) as url:
        run_history(url, interval, ops)
