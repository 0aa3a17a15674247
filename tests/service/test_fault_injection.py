"""Fault injection: kill -9, failing writes and damaged state at the write points of
``init``, ``import``, ``change``, ``rollback``, ``build`` and ``checkout``, in real
``autobe`` processes on real files and SQLite. After every fault the project is whole:

- the tree the command writes (``backend/``, or a checkout's target) holds exactly the
  old or the new revision's files (a kill in the middle of the swap leaves the old tree
  aside, and the next command puts it back);
- every file of the user's made before the fault is there byte for byte: a hand edit of
  a generated file, untracked files (with ``--force``: its saved copy under
  ``.autobe/saved/``);
- the head is the old or the new revision, and the history has no gap;
- the command and the next ones (``status``, then the same command again, or ``build``
  when the revision landed) either work or fail with one ``error:`` message, never a
  traceback; after them the workspace is the head's files with the user's kept.

How faults are made:

- kill -9 at a step, through the ``AUTOBE_TEST_PAUSE_AT`` seam (:data:`PAUSE_ENV`);
- kill -9, ``OSError(ENOSPC)`` or ``PermissionError`` at the n-th call of the write path
  (open, write, fsync, rename, mkdir, remove, chmod) through ``fault_site/sitecustomize.py``
  on the child's ``PYTHONPATH``. The points are picked from a trace of the same command
  run without a fault, so they follow the code when it changes;
- each persistent artefact damaged in turn: the SQLite database, ``.autobe/config.json``,
  ``backend/.autobe-manifest.json``, blobs in the store, the lock file;
- a real full disk: a small tmpfs filled to a given number of free bytes (root only).

The default run takes a few points per command; ``-m slow`` sweeps every write point of
every command (``test_every_write_point``), every step and every damage.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from autobe_cli.main import cli
from autobe_core.build import MANIFEST_NAME
from autobe_core.service import PAUSE_ENV, STORE_URL_ENV
from tests.service.test_robustness import (
    AUTOBE,
    ITEMS_DTO,
    TODO,
    UNTOUCHED,
    env,
    kill9,
    leftovers,
    tree,
    wait_paused,
)
from tests.service.test_state_robustness import fill, small_disk

__all__ = ["small_disk"]  # a fixture used here

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "tests" / "data" / "autobe" / "notes"
FAULT_SITE = Path(__file__).with_name("fault_site")
STAMP = re.compile(r"\.(staging|aside)-[0-9]+-[0-9a-f]+")

USER_FILES = {
    "NOTES.md": b"my notes\n",
    "mine/helper.py": b"def mine() -> int:\n    return 1\n",
}
"""Untracked files of the user's in ``backend/`` (before ``init``, too)."""
HAND_EDIT = b"\n# my own comment, kept through every fault\n"
"""Appended to a generated file the commands do not rewrite."""
FORCED_EDIT = b"\n# my edit of a file --force writes over (saved first)\n"

ACTIONS = ("kill", "ENOSPC", "EACCES")


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STORE_URL_ENV, raising=False)
    monkeypatch.delenv(PAUSE_ENV, raising=False)
    monkeypatch.setenv("AUTOBE_AUTHOR", "faults")


# --------------------------------------------------------------------------- running


def run(*args: str | Path) -> Result:
    """A command in this process through the CLI's own error boundary (as ``autobe``
    runs it: standalone mode, exceptions left to the command group)."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_works_or_one_message(code: int, stdout: str, stderr: str, what: str) -> None:
    """Exit 0, or exit 1 with an ``error:`` message first on stderr; never a traceback
    or an internal error."""
    text = f"{what}: exit {code}\n{stdout}{stderr}"
    assert "Traceback" not in stdout + stderr, text
    assert "internal error" not in stdout + stderr, text
    if code != 0:
        assert code == 1, text
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert lines and lines[0].startswith("error:"), text


def result_ok(result: Result, what: str) -> bool:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        what, result.exception
    )
    assert_works_or_one_message(result.exit_code, result.stdout, result.stderr, what)
    return result.exit_code == 0


def child_env(
    root: Path, *, fault: str | None = None, log: Path | None = None, pause: str | None = None
) -> dict[str, str]:
    """An ``autobe`` child's environment; ``fault`` loads the fault injector."""
    out = env(pause)
    if fault:
        out["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(FAULT_SITE), os.environ.get("PYTHONPATH", "")) if p
        )
        out.update(
            AUTOBE_TEST_FAULT=fault,
            AUTOBE_TEST_FAULT_ROOT=str(root),
            AUTOBE_TEST_FAULT_LOG=str(log or ""),
        )
    return out


@dataclass(frozen=True)
class Call:
    """One counted call of the write path: its operation, its ordinal among calls of
    that operation, and its path relative to the work directory (stamps as ``*``)."""

    op: str
    n: int
    rel: str
    faulted: bool = False

    @property
    def region(self) -> str:
        """Where the call writes: the staging tree, the aside tree, autobe's state,
        or the target itself."""
        if ".staging-*" in self.rel:
            return "staging"
        if ".aside-*" in self.rel:
            return "aside"
        if "/.autobe" in f"/{self.rel}":
            return "state"
        return "target"

    def __str__(self) -> str:
        return f"{self.op} #{self.n} {self.rel}"


def read_calls(log: Path) -> list[Call]:
    counts: dict[str, int] = {}
    calls = []
    for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
        _, op, rest = line.split(" ", 2)
        faulted = rest.endswith(" !")
        rel = STAMP.sub(lambda m: f".{m.group(1)}-*", rest.removesuffix(" !"))
        counts[op] = counts.get(op, 0) + 1
        calls.append(Call(op, counts[op], rel, faulted))
    return calls


# --------------------------------------------------------------------------- the commands


@dataclass(frozen=True)
class Case:
    """A command run over a base project, and what it changes."""

    base: str
    """"empty" (backend/ holds only the user's files), "r2" (revision 2, hand edits),
    "forced" (r2 plus a hand edit the change rewrites), "behind" (head 2, the workspace
    holds revision 1's files: what a kill after the commit point leaves)."""
    args: tuple[str, ...]
    head: int
    """The head before (0: no project yet)."""
    lands: bool
    """Success records a revision."""
    target: str = "todo/backend"
    """What the command writes, relative to the work directory."""
    rerun: tuple[str, ...] = ()
    """The command run again without the fault (default: ``args``)."""


CHANGE = ("-C", "{project}", "change", "--no-verify", "--edits", "{edits}")
CASES: dict[str, Case] = {
    "init": Case("empty", ("init", "{project}", "--from", "{todo}"), 0, True),
    "import": Case("empty", ("import", "{notes}", "--to", "{project}", "--quiet"), 0, True),
    "change": Case("r2", CHANGE, 2, True),
    "change --force": Case("forced", (*CHANGE, "--force"), 2, True),
    "change (verified)": Case(
        "r2", ("-C", "{project}", "change", "--edits", "{edits}"), 2, True, rerun=CHANGE
    ),
    "rollback": Case("r2", ("-C", "{project}", "rollback", "1"), 2, True),
    "build": Case("behind", ("-C", "{project}", "build"), 2, False),
    "checkout": Case("r2", ("-C", "{project}", "checkout", "1", "--to", "{out}"), 2, False,
                     target="out"),
}


def fill_in(args: Sequence[str], work: Path, edits: Path) -> list[str]:
    values = {
        "project": str(work / "todo"), "out": str(work / "out"), "edits": str(edits),
        "todo": str(TODO), "notes": str(NOTES),
    }
    return [a.format(**values) for a in args]


@dataclass
class Trace:
    """A command run once without a fault: every write-path call it made, and the tree
    it writes before and after (exact bytes: the old and the new revision's files, with
    the user's)."""

    calls: list[Call]
    old: dict[str, bytes] | None
    new: dict[str, bytes]


class Lab:
    """Base projects and clean traces, made once per test process on first use."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.bases: dict[str, Path] = {}
        self.traces: dict[str, Trace] = {}
        self.edits = factory.mktemp("edits") / "estimate.yaml"
        self.edits.write_text(
            "summary: items get an effort\nedits:\n  - op: addField\n    model: todo_items\n"
            "    field: {name: effort, type: int, nullable: true}\n",
            encoding="utf-8",
        )

    def base(self, name: str) -> Path:
        if name not in self.bases:
            self.bases[name] = getattr(self, f"_make_{name}")()
        return self.bases[name]

    def copy(self, name: str, work: Path) -> Path:
        shutil.copytree(self.base(name), work, symlinks=True)
        return work

    def _make_empty(self) -> Path:
        work = self.factory.mktemp("base-empty")
        put_user_files(work / "todo" / "backend")
        return work

    def _make_r2(self) -> Path:
        work = self.factory.mktemp("base-r2")
        project = work / "todo"
        assert run("init", project, "--from", TODO).exit_code == 0
        first = self.edits.with_name("first.yaml")
        first.write_text(
            "edits:\n  - op: addField\n    model: todo_items\n"
            "    field: {name: estimate, type: int, nullable: true}\n",
            encoding="utf-8",
        )
        done = run("-C", project, "change", "--no-verify", "--edits", first)
        assert done.exit_code == 0, done.output
        put_user_files(project / "backend")
        append(project / "backend" / UNTOUCHED, HAND_EDIT)
        return work

    def _make_forced(self) -> Path:
        work = self.copy("r2", self.factory.mktemp("base-forced") / "w")
        append(work / "todo" / "backend" / ITEMS_DTO, FORCED_EDIT)
        return work

    def _make_behind(self) -> Path:
        work = self.copy("r2", self.factory.mktemp("base-behind") / "w")
        project = work / "todo"
        r1 = work / "r1"
        assert run("-C", project, "checkout", "1", "--to", r1).exit_code == 0
        shutil.rmtree(project / "backend")
        r1.rename(project / "backend")
        put_user_files(project / "backend")
        append(project / "backend" / UNTOUCHED, HAND_EDIT)
        return work

    def trace(self, name: str) -> Trace:
        if name not in self.traces:
            self.traces[name] = self._trace(name)
        return self.traces[name]

    def _trace(self, name: str) -> Trace:
        case = CASES[name]
        work = self.copy(case.base, self.factory.mktemp("trace") / "w")
        log = work.parent / "calls.log"
        old = tree(work / case.target) if (work / case.target).exists() else None
        done = subprocess.run(
            [*AUTOBE, *fill_in(case.rerun or case.args, work, self.edits)],
            capture_output=True, text=True, timeout=300, check=False,
            env=child_env(work, fault="trace", log=log),
        )
        assert done.returncode == 0, done.stdout + done.stderr
        new = tree(work / case.target)
        if case.target.endswith("backend"):  # the new tree is the head's, the user's kept
            head_files = tree(checkout(work / "todo", "head", work.parent / "head"))
            user = [*USER_FILES, UNTOUCHED] if case.base != "empty" else list(USER_FILES)
            assert {k: v for k, v in new.items() if k not in user} == {
                k: v for k, v in head_files.items() if k not in user
            }
        calls = read_calls(log)
        assert calls, "the fault injector counted nothing: is fault_site on PYTHONPATH?"
        return Trace(calls, old, new)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    return Lab(tmp_path_factory)


def put_user_files(backend: Path) -> None:
    for rel, data in USER_FILES.items():
        (backend / rel).parent.mkdir(parents=True, exist_ok=True)
        (backend / rel).write_bytes(data)


def append(path: Path, data: bytes) -> None:
    path.write_bytes(path.read_bytes() + data)


def checkout(project: Path, rev: str, target: Path) -> Path:
    done = run("-C", project, "checkout", rev, "--to", target)
    assert done.exit_code == 0, done.output
    return target


def head_of(project: Path) -> int:
    """The head revision; 0 when there is no project or no recorded revision (which the
    command must say in one message)."""
    result = run("-C", project, "log", "--json")
    if result.exit_code != 0:
        result_ok(result, "log")
        return 0
    revisions = [entry["revision"] for entry in json.loads(result.stdout)]
    assert revisions == list(range(1, len(revisions) + 1)), revisions  # no gap
    return len(revisions)


def saved_copies(project: Path) -> list[bytes]:
    saved = project / ".autobe" / "saved"
    return [p.read_bytes() for p in saved.rglob("*") if p.is_file()] if saved.is_dir() else []


# --------------------------------------------------------------------------- a scenario


@dataclass
class Scenario:
    """One base project copied for one fault, and the checks that follow the fault."""

    lab: Lab
    name: str
    work: Path
    case: Case = field(init=False)
    trace: Trace = field(init=False)

    def __post_init__(self) -> None:
        self.case = CASES[self.name]
        self.trace = self.lab.trace(self.name)
        self.lab.copy(self.case.base, self.work)

    @property
    def project(self) -> Path:
        return self.work / "todo"

    def args(self, *, rerun: bool = False) -> list[str]:
        args = self.case.rerun if rerun and self.case.rerun else self.case.args
        return fill_in(args, self.work, self.lab.edits)

    def run_faulty(self, fault: str) -> tuple[subprocess.CompletedProcess[str], list[Call]]:
        log = self.work.with_name(f"{self.work.name}.faulted.log")
        done = subprocess.run(
            [*AUTOBE, *self.args()], capture_output=True, text=True, timeout=300,
            check=False, env=child_env(self.work, fault=fault, log=log),
        )
        return done, read_calls(log)

    def spawn(self, pause: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*AUTOBE, *self.args()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=child_env(self.work, pause=pause), start_new_session=True,
        )

    # -- the checks

    def written(self) -> dict[str, bytes] | None:
        """The tree the command writes, as the next command will see it: when a kill
        left no tree but an aside one (between the swap's two renames), the aside."""
        target = self.work / self.case.target
        if target.exists():
            return tree(target)
        aside = sorted(target.parent.glob(f"{target.name}.aside-*"))
        return tree(aside[-1]) if aside else None

    def assert_whole(self, what: str) -> int:
        """Head old or new, no gap; the written tree exactly the old or the new one;
        every file of the user's kept. Returns the head."""
        head = head_of(self.project)
        assert head in {self.case.head, self.case.head + self.case.lands}, (what, head)
        written = self.written()
        old, new = self.trace.old, self.trace.new
        assert written in (old, new), (
            f"{what}: the tree is neither the old nor the new one: "
            + describe_difference(written, old, new)
        )
        if self.case.base == "forced" and written == new:
            mine = old[ITEMS_DTO] if old else b""
            assert mine in saved_copies(self.project), f"{what}: the forced edit was lost"
        if self.case.lands and written == new and self.case.target.endswith("backend"):
            assert head == self.case.head + 1, f"{what}: the new files without a revision"
        return head

    def recover(self, what: str) -> None:
        """The next commands: ``status`` works or says what is wrong; then the command
        again (nothing landed) or ``build`` (it landed) works, and the project is the
        new revision with every file of the user's."""
        result_ok(run("-C", self.project, "status"), f"{what}: status")
        head = head_of(self.project)
        finished = self.written() == self.trace.new and not self.leftovers()
        if head == self.case.head and not (finished and not self.case.lands):
            again = run(*self.args(rerun=True))
            assert again.exit_code == 0, f"{what}: the command again:\n{again.output}"
        elif self.case.lands:
            build = run("-C", self.project, "build")
            assert build.exit_code == 0, f"{what}: build:\n{build.output}"
        assert head_of(self.project) == self.case.head + self.case.lands
        final = tree(self.work / self.case.target)
        if self.case.base == "forced" and self.trace.old and final != self.trace.new:
            # rolled forward by `build` after the commit point: the hand edit is kept
            # (and saved); --force applied to the change, not to the build after it
            assert final == {**self.trace.new, ITEMS_DTO: self.trace.old[ITEMS_DTO]}, what
        else:
            assert final == self.trace.new, what
        if self.case.target.endswith("backend"):
            assert not self.leftovers(), (what, self.leftovers())
            status = run("-C", self.project, "status")
            assert status.exit_code == 0, status.output
            assert "holds the head revision" in status.output, status.output

    def leftovers(self) -> list[str]:
        return leftovers(self.project) if self.project.is_dir() else []


def describe_difference(
    written: dict[str, bytes] | None, old: dict[str, bytes] | None, new: dict[str, bytes]
) -> str:
    if written is None:
        return "there is no tree"
    parts = []
    for label, other in (("old", old or {}), ("new", new)):
        missing = sorted(set(other) - set(written))
        extra = sorted(set(written) - set(other))
        differ = sorted(k for k in set(other) & set(written) if other[k] != written[k])
        parts.append(f"vs {label}: missing {missing[:5]}, extra {extra[:5]}, differ {differ[:5]}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- write points

Pick = Callable[[list[Call]], Call | None]


def first(pred: Callable[[Call], bool]) -> Pick:
    return lambda calls: next((c for c in calls if pred(c)), None)


def middle(pred: Callable[[Call], bool]) -> Pick:
    def pick(calls: list[Call]) -> Call | None:
        found = [c for c in calls if pred(c)]
        return found[len(found) // 2] if found else None

    return pick


POINTS: dict[str, Pick] = {
    "lock": first(lambda c: c.op == "open" and c.rel.endswith(".autobe/lock")),
    "config": first(lambda c: c.op == "write" and ".config.json." in c.rel),
    "config-replace": first(lambda c: c.op == "rename" and ".config.json." in c.rel),
    "staging-mkdir": first(lambda c: c.op == "mkdir" and c.region == "staging"),
    "staging-write": middle(lambda c: c.op == "write" and c.region == "staging"),
    "staging-manifest": first(
        lambda c: c.op == "write" and c.region == "staging" and c.rel.endswith(MANIFEST_NAME)
    ),
    "staging-fsync": middle(lambda c: c.op == "fsync" and c.region == "staging"),
    "saved-copy": first(lambda c: c.op == "open" and "/.autobe/saved/" in f"/{c.rel}"),
    "swap-aside": first(lambda c: c.op == "rename" and c.region == "target"),
    "swap-in": first(lambda c: c.op == "rename" and c.region == "staging"),
    "aside-remove": middle(lambda c: c.op == "remove" and c.region == "aside"),
    "report": first(lambda c: c.op == "open" and "import-report" in c.rel),
}

QUICK: list[tuple[str, str, str]] = [
    # (command, point, action): a few points per command, each kind of fault
    ("init", "config-replace", "kill"),
    ("init", "staging-write", "ENOSPC"),
    ("init", "swap-in", "kill"),
    ("import", "report", "ENOSPC"),
    ("change", "staging-write", "kill"),
    ("change", "swap-aside", "kill"),
    ("change", "swap-in", "EACCES"),
    ("change", "staging-manifest", "ENOSPC"),
    ("change --force", "saved-copy", "ENOSPC"),
    ("rollback", "swap-in", "kill"),
    ("rollback", "lock", "EACCES"),
    ("build", "aside-remove", "kill"),
    ("build", "staging-mkdir", "EACCES"),
    ("checkout", "staging-write", "kill"),
]


def inject(scenario: Scenario, call: Call, action: str) -> str:
    """Fault ``call`` with ``action``, then check everything; returns what happened."""
    what = f"{scenario.name}: {action} at {call}"
    done, calls = scenario.run_faulty(f"{call.op}:{call.n}:{action}")
    hit = [c for c in calls if c.faulted]
    assert [(c.op, c.n) for c in hit] == [(call.op, call.n)], (
        f"{what}: the fault did not land there: {hit}\n{done.stdout}{done.stderr}"
    )
    if action == "kill":
        assert done.returncode == -signal.SIGKILL, (what, done.returncode, done.stderr)
    else:
        assert_works_or_one_message(done.returncode, done.stdout, done.stderr, what)
        if done.returncode != 0:  # what is wrong, in the system's words, and what to do
            reason = os.strerror(errno.ENOSPC if action == "ENOSPC" else errno.EACCES)
            assert reason in done.stderr and "hint:" in done.stderr, (what, done.stderr)
    scenario.assert_whole(what)
    scenario.recover(what)
    return f"{what}: exit {done.returncode}"


@pytest.mark.parametrize(("name", "point", "action"), QUICK, ids=[" ".join(q) for q in QUICK])
def test_a_fault_at_a_write_point_loses_nothing(
    lab: Lab, tmp_path: Path, name: str, point: str, action: str
) -> None:
    scenario = Scenario(lab, name, tmp_path / "w")
    call = POINTS[point](scenario.trace.calls)
    assert call is not None, f"{name} makes no {point} call: {scenario.trace.calls[:40]}"
    inject(scenario, call, action)


def sweep(calls: list[Call], action: str) -> list[Call]:
    """Every distinct write point of a trace: each call outside the staging and aside
    trees (the few that decide an outcome), and for each operation in each of those trees
    its first and last call (a kill: a tree written so far) or its first (an error: the
    same failure anywhere in the tree)."""
    chosen: dict[tuple[str, int], Call] = {}
    groups: dict[tuple[str, str], list[Call]] = {}
    for call in calls:
        if call.region in ("state", "target"):
            chosen[(call.op, call.n)] = call
        else:
            groups.setdefault((call.op, call.region), []).append(call)
    for group in groups.values():
        for call in (group[0], group[-1]) if action == "kill" else (group[0],):
            chosen[(call.op, call.n)] = call
    return sorted(chosen.values(), key=calls.index)


SWEPT = [name for name in CASES if name != "change (verified)"]


@pytest.mark.slow
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("name", SWEPT)
def test_every_write_point(lab: Lab, tmp_path: Path, name: str, action: str) -> None:
    """The exhaustive sweep: every distinct write point of the command, one fault each."""
    points = sweep(lab.trace(name).calls, action)
    outcomes = []
    for i, call in enumerate(points):
        scenario = Scenario(lab, name, tmp_path / f"w{i}")
        outcomes.append(inject(scenario, call, action))
        shutil.rmtree(tmp_path / f"w{i}", ignore_errors=True)
    assert len(outcomes) == len(points) >= 5, outcomes


# --------------------------------------------------------------------------- kill at a step

STEPS: dict[str, tuple[str, ...]] = {
    "init": ("planned", "storing", "committing"),
    "import": ("planned", "storing", "committing"),
    "change": ("planned", "storing", "committing"),
    "change (verified)": ("verifying",),
    "change --force": ("storing", "committing"),
    "rollback": ("planned", "storing", "committing"),
}
QUICK_STEPS = [
    ("import", "planned"),
    ("change (verified)", "verifying"),
    ("change --force", "committing"),
    ("rollback", "storing"),
    ("rollback", "committing"),
]
ALL_STEPS = [(name, step) for name, steps in STEPS.items() for step in steps]


def _steps() -> list[object]:
    return [
        pytest.param(name, step, id=f"{name} {step}",
                     marks=() if (name, step) in QUICK_STEPS else pytest.mark.slow)
        for name, step in ALL_STEPS
    ]


@pytest.mark.parametrize(("name", "step"), _steps())
def test_kill_9_at_a_step_loses_nothing(lab: Lab, tmp_path: Path, name: str, step: str) -> None:
    scenario = Scenario(lab, name, tmp_path / "w")
    proc = scenario.spawn(pause=f"{step}:60")
    try:
        wait_paused(proc, step)
    finally:
        kill9(proc, scenario.work)
    assert proc.returncode == -signal.SIGKILL
    what = f"{name}: kill -9 at {step}"
    head = scenario.assert_whole(what)
    landed = step == "committing"
    assert head == scenario.case.head + landed, (what, head)
    scenario.recover(what)


# --------------------------------------------------------------------------- damaged state


def _sql(project: Path, statement: str) -> None:
    with contextlib.closing(sqlite3.connect(project / ".autobe" / "autobe.db")) as conn, conn:
        conn.execute(statement)


def _write(rel: str, data: bytes) -> Callable[[Path], None]:
    def damage(project: Path) -> None:
        (project / rel).write_bytes(data)

    return damage


def _truncate(rel: str, size: int) -> Callable[[Path], None]:
    def damage(project: Path) -> None:
        with (project / rel).open("r+b") as handle:
            handle.truncate(size)

    return damage


def _remove(rel: str) -> Callable[[Path], None]:
    return lambda project: (project / rel).unlink()


def _zero_header(project: Path) -> None:
    with (project / DB).open("r+b") as handle:
        handle.write(b"\0" * 100)


def _directory(rel: str) -> Callable[[Path], None]:
    def damage(project: Path) -> None:
        (project / rel).unlink(missing_ok=True)
        (project / rel).mkdir()

    return damage


def _manifest_entry(field_name: str, value: str) -> Callable[[Path], None]:
    """A manifest that parses but lies: the entry of the file every change of todo_items
    rewrites gets ``field_name`` = ``value``."""

    def damage(project: Path) -> None:
        path = project / "backend" / MANIFEST_NAME
        data = json.loads(path.read_text(encoding="utf-8"))
        (entry,) = [e for e in data["entries"] if e["path"] == ITEMS_DTO]
        entry[field_name] = value
        path.write_text(json.dumps(data), encoding="utf-8")

    return damage


DB = ".autobe/autobe.db"
CONFIG = ".autobe/config.json"
MANIFEST = f"backend/{MANIFEST_NAME}"
GARBAGE = bytes(range(256)) * 64

DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    # name: (damage, the artefact to restore from a backup afterwards)
    "database garbage": (_write(DB, GARBAGE), DB),
    "database truncated": (_truncate(DB, 8192), DB),
    "database 0 bytes": (_write(DB, b""), DB),
    "database header zeroed": (_zero_header, DB),
    "database missing": (_remove(DB), DB),
    "config garbage": (_write(CONFIG, b'{"store": '), CONFIG),
    "config a list": (_write(CONFIG, b'["sqlite:///x.db"]'), CONFIG),
    "config unknown store": (_write(CONFIG, b'{"store": "mysql://nobody@localhost/x"}'), CONFIG),
    "config binary": (_write(CONFIG, b"\xff\xfe\x00garbage"), CONFIG),
    "config missing": (_remove(CONFIG), CONFIG),
    "manifest garbage": (_write(MANIFEST, b"{not json"), MANIFEST),
    "manifest truncated": (_truncate(MANIFEST, 100), MANIFEST),
    "manifest missing": (_remove(MANIFEST), MANIFEST),
    "manifest a path outside": (_manifest_entry("path", "../../escaped.py"), MANIFEST),
    "manifest a wrong sha256": (_manifest_entry("sha256", "0" * 64), MANIFEST),
    "blobs garbage zlib": (
        lambda p: _sql(p, "UPDATE autobe_blobs SET data = x'0011223344' WHERE encoding = 'zlib'"),
        DB,
    ),
    "blob of app/main.py missing": (
        lambda p: _sql(
            p, "DELETE FROM autobe_blobs WHERE digest IN "
            "(SELECT sha256 FROM autobe_modules WHERE path = 'app/main.py')",
        ),
        DB,
    ),
    "blobs swapped": (
        lambda p: _sql(p, "UPDATE autobe_blobs SET data = (SELECT data FROM autobe_blobs "
                          "WHERE encoding = 'raw' LIMIT 1) WHERE encoding = 'raw'"),
        DB,
    ),
    "lock a directory": (_directory(".autobe/lock"), ".autobe/lock"),
    "last check garbage": (_write(".autobe/last-check.json", GARBAGE), ".autobe/last-check.json"),
}
QUICK_DAMAGES = {
    "database garbage", "config garbage", "manifest missing", "manifest a path outside",
    "blob of app/main.py missing",
}
COMMANDS_ON_DAMAGE: list[tuple[str, ...]] = [
    ("status",), ("log",), ("spec",), ("diff", "1"), ("checkout", "1", "--to", "{out}"),
    ("build",), (*CHANGE[2:],), ("rollback", "1"), ("tag", "v9"),
]


def _damages() -> list[object]:
    return [
        pytest.param(name, id=name, marks=() if name in QUICK_DAMAGES else pytest.mark.slow)
        for name in DAMAGES
    ]


@pytest.mark.parametrize("damage", _damages())
def test_damaged_state_is_one_message_and_loses_nothing(
    lab: Lab, tmp_path: Path, damage: str
) -> None:
    """Every command over a damaged artefact works or says what is wrong in one message;
    none of them makes it worse or loses a user's file; restoring the artefact from a
    backup (what the messages advise) gives back a working project."""
    work = lab.copy("r2", tmp_path / "w")
    project = work / "todo"
    harm, artefact = DAMAGES[damage]
    backup = tmp_path / "backup"
    if (project / artefact).exists():
        shutil.copy2(project / artefact, backup)
    harm(project)
    damaged = (project / artefact).read_bytes() if (project / artefact).is_file() else None

    landed = 0
    for command in COMMANDS_ON_DAMAGE:
        before = tree(project / "backend")
        result = run("-C", project, *fill_in(command, work, lab.edits))
        what = f"{damage}: {' '.join(command)}"
        worked = result_ok(result, what)
        landed += worked and command[0] in ("change", "rollback")
        after = tree(project / "backend")
        if not worked:
            assert after == before, f"{what} failed and changed the workspace"
        elif after != before:  # it wrote the head's files, the user's kept
            assert_user_files(after, what)
            with contextlib.suppress(AssertionError):  # when a checkout is possible at all
                head = tree(checkout(project, "head", tmp_path / f"head-{landed}"))
                assert _generated(after) == _generated(head), what
        shutil.rmtree(work / "out", ignore_errors=True)
    assert not (work.parent / "escaped.py").exists() and not (tmp_path / "escaped.py").exists()
    if not landed and damaged is not None and (project / artefact).is_file():
        assert (project / artefact).read_bytes() == damaged, f"{damage}: rewritten"

    if not landed:  # restore the artefact as the messages advise: everything works again
        if (project / artefact).is_dir():
            (project / artefact).rmdir()
        if backup.exists():
            for suffix in ("-wal", "-shm"):
                (project / (artefact + suffix)).unlink(missing_ok=True)
            shutil.copy2(backup, project / artefact)
        assert head_of(project) == 2
        done = run("-C", project, *fill_in(CHANGE[2:], work, lab.edits))
        assert done.exit_code == 0, done.output
    if head_of(project) > 2:
        assert run("-C", project, "build").exit_code == 0
    status = run("-C", project, "status")
    assert status.exit_code == 0 and "holds the head revision" in status.output, status.output
    assert_user_files(tree(project / "backend"), damage)


def assert_user_files(workspace: dict[str, bytes], what: str) -> None:
    """The user's untracked files and hand edit (of the r2 base) are there as made."""
    for rel, data in USER_FILES.items():
        assert workspace.get(rel) == data, f"{what}: {rel} lost"
    assert workspace[UNTOUCHED].endswith(HAND_EDIT), f"{what}: the hand edit was lost"


def _generated(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k not in USER_FILES and k != UNTOUCHED}


# --------------------------------------------------------------------------- a full disk

FREE_QUICK = (0, 96 * 1024, 1024 * 1024)
FREE_SLOW = tuple(range(0, 800 * 1024, 48 * 1024))


def leave_free(disk: Path, free: int) -> Path:
    """Fill ``disk`` to its last byte, then give back ``free`` bytes; the filler."""
    filler = fill(disk)
    size = filler.stat().st_size
    with filler.open("r+b") as handle:
        handle.truncate(max(0, size - free))
    return filler


def _full_disk(small_disk: Path, lab: Lab, frees: Sequence[int]) -> list[str]:
    """A change on a disk with ``free`` bytes left, for each value: it lands, or fails with
    one message and loses nothing; with the disk freed the next commands finish it."""
    work = lab.copy("r2", small_disk / "w")
    project = work / "todo"
    outcomes = []
    for i, free in enumerate(frees):
        edits = small_disk.parent / f"full-{i}.yaml"
        edits.write_text(
            f"edits:\n  - op: addField\n    model: todo_labels\n"
            f"    field: {{name: full_{i}, type: int, nullable: true}}\n", encoding="utf-8",
        )
        before_head, before = head_of(project), tree(project / "backend")
        filler = leave_free(small_disk, free)
        try:
            done = subprocess.run(
                [*AUTOBE, "-C", str(project), "change", "--no-verify", "--edits", str(edits)],
                capture_output=True, text=True, timeout=300, check=False, env=child_env(work),
            )
        finally:
            filler.unlink()
        what = f"full disk, {free} bytes free"
        assert_works_or_one_message(done.returncode, done.stdout, done.stderr, what)
        head = head_of(project)
        assert head in (before_head, before_head + 1), what
        workspace = tree(project / "backend")
        if head == before_head:
            assert done.returncode == 1, (what, done.stdout)
            assert workspace == before, what
            again = run("-C", project, "change", "--no-verify", "--edits", edits)
            assert again.exit_code == 0, f"{what}: again:\n{again.output}"
        elif done.returncode != 0:  # recorded, the workspace could not follow: build does
            assert workspace == before, what
            assert "is recorded" in done.stderr, done.stderr
            assert run("-C", project, "build").exit_code == 0
        message = (done.stderr.strip().splitlines() or [""])[0]
        outcomes.append(f"{what}: exit {done.returncode}, head {before_head} -> {head} {message}")
        assert head_of(project) == before_head + 1
        workspace = tree(project / "backend")
        assert leftovers(project) == [], what
        assert f"full_{i}".encode() in workspace["app/models/todo_labels.py"], what
        for rel, data in USER_FILES.items():
            assert workspace[rel] == data, (what, rel)
        assert workspace[UNTOUCHED].endswith(HAND_EDIT), what
    return outcomes


def test_a_full_disk_at_any_moment_of_a_change_loses_nothing(
    small_disk: Path, lab: Lab
) -> None:
    outcomes = _full_disk(small_disk, lab, FREE_QUICK)
    assert any("exit 1" in o for o in outcomes), outcomes  # a write did fail
    assert any("exit 0" in o for o in outcomes), outcomes


@pytest.mark.slow
def test_a_full_disk_swept_over_free_space(small_disk: Path, lab: Lab) -> None:
    outcomes = _full_disk(small_disk, lab, FREE_SLOW)
    assert len(outcomes) == len(FREE_SLOW)
