"""The fault-injection harness: a child ``autobe`` with faults, the commands under test,
the lab of prepared projects and the scenario whose checks every fault test runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from autobe_cli.main import cli
from tests.conftest import AUTOBE
from tests.service.robustness_support import (
    ITEMS_DTO,
    TODO,
    UNTOUCHED,
    env,
    leftovers,
    tree,
)

ROOT = Path(__file__).resolve().parents[3]
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


def assert_user_files(workspace: dict[str, bytes], what: str) -> None:
    """The user's untracked files and hand edit (of the r2 base) are there as made."""
    for rel, data in USER_FILES.items():
        assert workspace.get(rel) == data, f"{what}: {rel} lost"
    assert workspace[UNTOUCHED].endswith(HAND_EDIT), f"{what}: the hand edit was lost"


def generated_part(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k not in USER_FILES and k != UNTOUCHED}
