"""A verified change at AutoBe scale (issue 14), end to end through the real CLI.

For each imported AutoBe example (default: the gpt-4.1 shopping and reddit examples), in one
run, every figure is the wall time of ``autobe`` subprocesses (the console script next to
this Python), so it measures whatever the code is when it runs:

- **clean path**: ``autobe import EXAMPLE --to DIR --quiet --no-realize``, then ``autobe
  check --json`` (every rung, every generated test, no mypy cache yet);
- **verified change on a leaf model** (no other model references it, it has operations):
  ``autobe change --edits F -y`` adding one nullable string field; the first change after
  the clean path, then the median of ``--steady`` further changes (each a new field);
- **verified change on a central model**: the same, first and the median of
  ``--central-steady`` more;
- **unverified leaf change**: ``autobe change --edits F -y --no-verify``;
- **regenerate everything**: the naive way to be as sure of the leaf change: the changed
  spec (``autobe spec -r 2``, the revision the first leaf change recorded) generated whole
  into a fresh project (``autobe init --from``) and checked with every test
  (``autobe check --json``);
- **read commands**: ``autobe --help``, ``autobe log``, ``autobe status`` on the project,
  median of ``--quick-repeat`` runs.

autobe runs as an installed package: its modules byte-compiled first, as ``pip install``
does, and ``PYTHONDONTWRITEBYTECODE`` left out of the commands' environment.

The rung seconds of ``check`` come from its ``--json``; those of ``change`` (which has no
machine-readable output) from its progress lines on stderr (``  mypy: passed (2.2s) ...``).

Models: for shopping, the ones issue 14 names (``shopping_mall_cart_items``, leaf;
``shopping_mall_products``, central). Elsewhere they are picked from the spec: the leaf is
the unreferenced model (not an actor's) with operations whose operation count is the
median of such models; the central model is the model (not an actor's) most other models
reference. ``--leaf EXAMPLE=MODEL`` and ``--central EXAMPLE=MODEL`` choose others.

It prints one table per example, then the ratios against the clean path and against
regenerate-everything with issue 14's targets beside them (leaf change >= 10x, central
>= 5x, ``--help`` <= 0.3 s, ``log`` and ``status`` <= 0.5 s; the acceptance is on
shopping). Progress goes to stderr; ``--json FILE`` writes every figure.

The projects live in a temporary directory removed at the end (``--keep DIR`` keeps them
there). Before removing them it stops the warm verifier each project may have started:
``autobe verifier stop`` when the CLI has that command, else mypy's own ``dmypy stop`` on
the status file under ``.autobe/verifier/``; a daemon idle for ``AUTOBE_VERIFIER_IDLE``
seconds also stops itself. Usage:

    .venv/bin/python bench/change_at_scale.py [--only reddit] [--json results.json]
        [--examples ../shared/autobe-examples/openai__gpt-4.1] [--steady 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "autobe-examples" / "openai__gpt-4.1"
"""``../shared`` beside the repository, as CI lays it out."""
ISSUE_MODELS = {"shopping": ("shopping_mall_cart_items", "shopping_mall_products")}
"""The leaf and central models issue 14's acceptance names."""
RUNGS = ("compile", "mypy", "migrate", "import", "tests")
RUNG_LINE = re.compile(
    r"^\s*(compile|mypy|migrate|import|tests): (\w+) \(([0-9.]+)s\)\s*(.*)$", re.M
)
REVISION_LINE = re.compile(r"revision (\d+) \(change\): (\d+) regenerated")
TARGETS = {"leaf": 10.0, "central": 5.0, "help": 0.3, "log": 0.5, "status": 0.5}
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV.update(COLUMNS="200", NO_COLOR="1", TERM="dumb")
"""The caller's environment, with Python's bytecode cache on: autobe runs as an installed
package does (``pip install`` compiles its modules; see :func:`compile_autobe`)."""


def autobe_command() -> list[str]:
    """The console script next to this Python (the one its environment installed)."""
    script = Path(sys.executable).with_name("autobe")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from autobe_cli.main import main; main()"]


AUTOBE = autobe_command()


def compile_autobe() -> None:
    """Byte-compile autobe's own packages first, as ``pip install`` does, so no measured
    command compiles them (an editable install would on its first run; a machine with
    ``PYTHONDONTWRITEBYTECODE`` set, on every run)."""
    packages = [str(Path(found.origin).parent) for name in ("autobe_core", "autobe_cli")
                if (found := importlib.util.find_spec(name)) is not None and found.origin]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], env=ENV, check=True)


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Run:
    """One timed ``autobe`` command."""

    label: str
    seconds: float
    ok: bool
    rungs: dict[str, float] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    regenerated: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "seconds": round(self.seconds, 3),
            "ok": self.ok,
            "rungs": {k: round(v, 3) for k, v in self.rungs.items()},
            "details": self.details,
            "regenerated": self.regenerated,
        }


Done = subprocess.CompletedProcess[str]


def finished(run: Run) -> Run:
    """Log a finished command's figures (a run cut short keeps them on stderr)."""
    rungs = ", ".join(f"{k} {v:.1f}" for k, v in run.rungs.items())
    tests = run.details.get("tests", "")
    progress(f"  {run.label}: {run.seconds:.1f} s{' (' + rungs + ')' if rungs else ''}"
             f"{'; tests ' + tests if tests else ''}{'' if run.ok else '; FAILED'}")
    return run


def autobe(args: list[str], cwd: Path | None = None) -> tuple[float, Done]:
    started = time.perf_counter()
    done = subprocess.run(
        [*AUTOBE, *args], cwd=cwd, capture_output=True, text=True, env=ENV, check=False
    )
    return time.perf_counter() - started, done


def failed(label: str, done: Done) -> None:
    progress(f"{label} FAILED (exit {done.returncode}):")
    tail = (done.stdout + done.stderr)[-3000:]
    print(tail, file=sys.stderr, flush=True)


def checked(label: str, project: Path) -> Run:
    """``autobe check --json``: wall seconds and the rung seconds it reports."""
    seconds, done = autobe(["-C", str(project), "check", "--json"])
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        failed(label, done)
        return Run(label, seconds, False)
    run = Run(label, seconds, bool(data["ok"]))
    for rung in data["rungs"]:
        run.rungs[rung["name"]] = float(rung["seconds"])
        run.details[rung["name"]] = rung["summary"]
    if not run.ok:
        failed(label, done)
    return finished(run)


def changed(label: str, project: Path, model: str, name: str, verify: bool = True) -> Run:
    """``autobe change --edits F -y`` adding the nullable string field ``name`` to ``model``."""
    edits = project.parent / f"{project.name}-{name}.yaml"
    edits.write_text(
        f"edits:\n  - {{op: addField, model: {model}, "
        f"field: {{name: {name}, type: string, nullable: true}}}}\n",
        encoding="utf-8",
    )
    args = ["-C", str(project), "change", "--edits", str(edits), "-y", "--no-realize"]
    seconds, done = autobe(args if verify else [*args, "--no-verify"])
    run = Run(label, seconds, done.returncode == 0)
    for rung, status, rung_seconds, summary in RUNG_LINE.findall(done.stderr + done.stdout):
        run.rungs[rung] = float(rung_seconds)
        run.details[rung] = f"{status}: {summary.strip()}"
    revision = REVISION_LINE.search(done.stdout)
    if revision:
        run.regenerated = int(revision.group(2))
    wanted_verified = "; verified" in done.stdout if verify else "not verified" in done.stdout
    if not run.ok or not wanted_verified:
        run.ok = False
        failed(label, done)
    return finished(run)


def quick(label: str, args: list[str], project: Path, repeat: int) -> Run:
    """The median of ``repeat`` runs of a command that needs no ladder."""
    times = []
    ok = True
    for _ in range(repeat):
        seconds, done = autobe(args, cwd=project)
        times.append(seconds)
        if done.returncode != 0:
            ok = False
            failed(label, done)
    run = Run(label, statistics.median(times), ok)
    run.details["runs"] = " ".join(f"{t:.2f}" for t in times)
    return finished(run)


def median_run(label: str, runs: list[Run]) -> Run:
    """One row for several runs: the median of their wall and rung seconds."""
    run = Run(label, statistics.median(r.seconds for r in runs), all(r.ok for r in runs))
    for rung in RUNGS:
        values = [r.rungs[rung] for r in runs if rung in r.rungs]
        if values:
            run.rungs[rung] = statistics.median(values)
    if runs:
        run.details = dict(runs[-1].details)
        run.details["runs"] = " ".join(f"{r.seconds:.2f}" for r in runs)
        counts = [r.regenerated for r in runs if r.regenerated is not None]
        run.regenerated = int(statistics.median(counts)) if counts else None
    return run


def pick_models(
    spec: dict[str, Any], example: str, chosen: dict[str, dict[str, str]]
) -> tuple[str, str, str]:
    """The leaf and the central model, and why (printed)."""
    names = {m["name"] for m in spec["models"]}
    actors = {a.get("model") for a in spec.get("actors", [])}
    referenced: Counter[str] = Counter()
    for model in spec["models"]:
        for foreign in model.get("foreignFields", []):
            referenced[foreign["relation"]["targetModel"]] += 1
    operations = Counter(o.get("model") for o in spec["operations"])
    issue_leaf, issue_central = ISSUE_MODELS.get(example, ("", ""))
    leaf = chosen["leaf"].get(example) or (issue_leaf if issue_leaf in names else "")
    central = chosen["central"].get(example) or (issue_central if issue_central in names else "")
    if not leaf:
        leaves = sorted(
            (operations[n], n) for n in names
            if referenced[n] == 0 and n not in actors and operations[n] > 0
        )
        leaf = leaves[len(leaves) // 2][1]
    if not central:
        central = max((referenced[n], n) for n in names if n not in actors)[1]
    for model in (leaf, central):
        if model not in names:
            raise SystemExit(f"{example}: no model {model!r} in the spec")
    why = (f"leaf {leaf} ({referenced[leaf]} models reference it, {operations[leaf]} "
           f"operations); central {central} ({referenced[central]} models reference it, "
           f"{operations[central]} operations)")
    return leaf, central, why


def has_verifier_command() -> bool:
    _, done = autobe(["--help"])
    return re.search(r"^\s+verifier\s", done.stdout, re.M) is not None


def stop_verifiers(projects: list[Path]) -> list[str]:
    """Stop every warm verifier daemon the run's projects may have started."""
    notes = []
    by_command = has_verifier_command()
    for project in projects:
        if not project.is_dir():
            continue
        if by_command:
            _, done = autobe(["-C", str(project), "verifier", "stop"])
            notes.append(f"{project.name}: autobe verifier stop: exit {done.returncode}")
            continue
        status_file = project / ".autobe" / "verifier" / "dmypy.json"
        if status_file.exists():
            done = subprocess.run(
                [sys.executable, "-m", "mypy.dmypy", "--status-file", str(status_file), "stop"],
                capture_output=True, text=True, check=False,
            )
            notes.append(f"{project.name}: dmypy stop: exit {done.returncode}")
    return notes


def measure(example: Path, base: Path, args: argparse.Namespace,
            chosen: dict[str, dict[str, str]], projects: list[Path]) -> dict[str, Any]:
    name = example.name
    project = base / name
    projects.append(project)
    rows: dict[str, Run] = {}

    progress(f"{name}: import")
    seconds, done = autobe(["import", str(example), "--to", str(project), "--quiet",
                            "--no-realize"])
    rows["import"] = finished(Run("import", seconds, done.returncode == 0))
    if done.returncode != 0:
        failed("import", done)
        raise SystemExit(1)
    progress(f"{name}: check (full, cold)")
    rows["check"] = checked("check (full, cold)", project)

    _, done = autobe(["-C", str(project), "spec", "--format", "json"])
    leaf, central, why = pick_models(json.loads(done.stdout), name, chosen)
    progress(f"{name}: {why}")

    for kind, model, more in (("leaf", leaf, args.steady),
                              ("central", central, args.central_steady)):
        progress(f"{name}: {kind} change, first")
        rows[f"{kind} first"] = changed(f"{kind} change, first", project, model, f"bench_{kind}_1")
        steady = []
        for i in range(more):
            progress(f"{name}: {kind} change, steady {i + 1}/{more}")
            steady.append(changed(kind, project, model, f"bench_{kind}_{i + 2}"))
        rows[f"{kind} steady"] = median_run(f"{kind} change, median of {more}", steady)

    progress(f"{name}: leaf change --no-verify")
    rows["no-verify"] = changed("leaf change --no-verify", project, leaf, "bench_unverified",
                                verify=False)

    progress(f"{name}: regenerate everything (init from the changed spec + full check)")
    spec_file = base / f"{name}-r2.yaml"
    _, done = autobe(["-C", str(project), "spec", "-r", "2"])
    spec_file.write_text(done.stdout, encoding="utf-8")
    naive = base / f"{name}-naive"
    projects.append(naive)
    seconds, done = autobe(["init", str(naive), "--from", str(spec_file)])
    rows["naive init"] = finished(Run("regenerate all (init)", seconds, done.returncode == 0))
    if done.returncode != 0:
        failed("init", done)
    rows["naive check"] = checked("regenerate all: check (full, cold)", naive)

    progress(f"{name}: --help, log, status (median of {args.quick_repeat})")
    rows["help"] = quick("autobe --help", ["--help"], project, args.quick_repeat)
    rows["log"] = quick("autobe log", ["log"], project, args.quick_repeat)
    rows["status"] = quick("autobe status", ["status"], project, args.quick_repeat)
    return {"example": name, "path": str(example), "leaf": leaf, "central": central,
            "models": why, "rows": rows}


def ratio_rows(result: dict[str, Any]) -> list[tuple[str, float, str, str]]:
    """(what, value, target, verdict) for the ratios and the read commands."""
    rows: dict[str, Run] = result["rows"]
    clean = rows["import"].seconds + rows["check"].seconds
    naive = rows["naive init"].seconds + rows["naive check"].seconds
    out = []

    def ratio(what: str, top: float, run: Run, target: float | None) -> None:
        value = top / run.seconds if run.seconds else float("inf")
        verdict = "" if target is None else ("ok" if value >= target and run.ok else "not yet")
        out.append((what, value, f">= {target:g}x" if target else "", verdict))

    ratio("clean path / leaf change (first)", clean, rows["leaf first"], TARGETS["leaf"])
    ratio("clean path / leaf change (steady)", clean, rows["leaf steady"], TARGETS["leaf"])
    ratio("clean path / central change (first)", clean, rows["central first"],
          TARGETS["central"])
    ratio("clean path / central change (steady)", clean, rows["central steady"],
          TARGETS["central"])
    ratio("regenerate all / leaf change (first)", naive, rows["leaf first"], None)
    ratio("regenerate all / leaf change (steady)", naive, rows["leaf steady"], None)
    ratio("clean path / leaf --no-verify", clean, rows["no-verify"], None)
    for key in ("help", "log", "status"):
        run = rows[key]
        ok = run.ok and run.seconds <= TARGETS[key]
        out.append((f"{run.label} seconds", run.seconds, f"<= {TARGETS[key]:g} s",
                    "ok" if ok else "not yet"))
    return out


def report(result: dict[str, Any]) -> None:
    rows: dict[str, Run] = result["rows"]
    print(f"\n== {result['example']}: {result['models']}")
    header = f"{'phase':42}{'wall s':>9}" + "".join(f"{r:>9}" for r in RUNGS) + "  regen  ok"
    print(header)
    for run in rows.values():
        cells = "".join(
            f"{run.rungs[r]:>9.2f}" if r in run.rungs else f"{'':>9}" for r in RUNGS
        )
        regen = f"{run.regenerated:>7d}" if run.regenerated is not None else f"{'':>7}"
        print(f"{run.label:42}{run.seconds:>9.2f}{cells}{regen}  {'yes' if run.ok else 'NO'}")
    clean = rows["import"].seconds + rows["check"].seconds
    naive = rows["naive init"].seconds + rows["naive check"].seconds
    print(f"{'clean path (import + check)':42}{clean:>9.2f}")
    print(f"{'regenerate everything (init + check)':42}{naive:>9.2f}")
    for key in ("leaf first", "central first"):
        tests = rows[key].details.get("tests")
        if tests:
            print(f"{rows[key].label} tests: {tests}")
    print(f"{'full check tests:':42}{rows['check'].details.get('tests', '')}")
    print(f"\n{'ratio / figure':42}{'value':>9}  {'target':>10}  verdict")
    for what, value, target, verdict in ratio_rows(result):
        print(f"{what:42}{value:>9.2f}  {target:>10}  {verdict}")


def choices(values: list[str], option: str) -> dict[str, str]:
    out = {}
    for value in values:
        example, sep, model = value.partition("=")
        if not sep or not example or not model:
            raise SystemExit(f"{option} takes EXAMPLE=MODEL, not {value!r}")
        out[example] = model
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=EXAMPLES,
                        help="the folder holding the AutoBe examples")
    parser.add_argument("--only", action="append", default=[],
                        help="an example's folder name (repeatable; default shopping, reddit)")
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    parser.add_argument("--keep", type=Path, default=None,
                        help="make the projects in this new directory and keep them")
    parser.add_argument("--steady", type=int, default=3, help="leaf changes after the first")
    parser.add_argument("--central-steady", type=int, default=2,
                        help="central changes after the first")
    parser.add_argument("--quick-repeat", type=int, default=5,
                        help="runs of --help, log and status")
    parser.add_argument("--leaf", action="append", default=[], metavar="EXAMPLE=MODEL")
    parser.add_argument("--central", action="append", default=[], metavar="EXAMPLE=MODEL")
    args = parser.parse_args()
    chosen = {"leaf": choices(args.leaf, "--leaf"),
              "central": choices(args.central, "--central")}
    names = args.only or ["shopping", "reddit"]
    examples = [args.examples / n for n in names]
    for example in examples:
        if not (example / "autobe" / "prisma.json").is_file():
            raise SystemExit(f"{example}: no autobe/prisma.json (an AutoBe example folder)")

    compile_autobe()
    started = time.perf_counter()
    if args.keep is not None:
        args.keep.mkdir(parents=True)
        base = args.keep.resolve()
    else:
        base = Path(tempfile.mkdtemp(prefix="autobe-scale-"))
    projects: list[Path] = []
    results: list[dict[str, Any]] = []
    try:
        for example in examples:
            results.append(measure(example, base, args, chosen, projects))
            report(results[-1])
            if args.json is not None:  # after each example: a late failure keeps the rest
                write_json(args.json, results, time.perf_counter() - started)
    finally:
        for note in stop_verifiers(projects):
            progress(note)
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    total = time.perf_counter() - started
    if args.json is not None:
        write_json(args.json, results, total)
    print(f"\nbench run: {total:.0f} s on {os.cpu_count()} cores; "
          f"load average at the end {os.getloadavg()[0]:.1f}; {AUTOBE[0]}")


def write_json(path: Path, results: list[dict[str, Any]], seconds: float) -> None:
    data = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "seconds": round(seconds, 1),
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "autobe": AUTOBE,
        "examples": [
            {**{k: v for k, v in r.items() if k != "rows"},
             "rows": {k: run.to_dict() for k, run in r["rows"].items()},
             "ratios": [{"what": w, "value": round(v, 3), "target": t, "verdict": d}
                        for w, v, t, d in ratio_rows(r)]}
            for r in results
        ],
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
