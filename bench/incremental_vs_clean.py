"""Incremental change vs regenerating everything, measured in one run.

For a fixture project it records one structured change ("add one field to one model")
two ways:

- autobe's way: regenerate only the modules whose key changed, then verify with mypy's
  incremental cache and only the generated tests the change reaches;
- the naive way: regenerate every module into a fresh workspace and verify it from a
  cold mypy cache with every generated test.

It prints the modules generated, the seconds of each phase and the ratios. Usage:

    .venv/bin/python bench/incremental_vs_clean.py [--fixture fixtures/bbs.yaml]
        [--model bbs_articles]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from autobe_core.build.builder import clean_build
from autobe_core.graph import ModuleGraph, affected
from autobe_core.service import ChangeOptions, ProjectService
from autobe_core.service.test_scope import tests_reached
from autobe_core.spec import apply
from autobe_core.spec.changeset import AddField, ChangeSet
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import PlainField
from autobe_core.verify import run_ladder

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, results: dict[str, float], fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    results[label] = time.perf_counter() - started
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", default=str(ROOT / "fixtures" / "bbs.yaml"))
    parser.add_argument("--model", default=None, help="model that gets the new field")
    args = parser.parse_args()
    spec = load_spec(Path(args.fixture))
    model = args.model or spec.models[len(spec.models) // 2].name
    change = ChangeSet(edits=[AddField(model=model, field=PlainField(
        name="bench_note", type="string", nullable=True, max_length=200))])
    new_spec = apply(spec, change)
    t: dict[str, float] = {}

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        # autobe: a project at revision 1, verified once so the mypy cache is warm.
        service = ProjectService(ProjectService.init(base / "p", Path(args.fixture)).layout)
        run_ladder(service.layout.workspace, cache_dir=service.layout.mypy_cache)
        outcome = timed("incremental: regenerate + record", t, service.change, change,
                        ChangeOptions(author="bench", verify=False))
        targets = tests_reached(ModuleGraph(new_spec), affected(spec, new_spec))
        inc = timed("incremental: verify", t, run_ladder, service.layout.workspace,
                    cache_dir=service.layout.mypy_cache, test_targets=targets)

        # naive: everything from scratch.
        naive_ws = base / "naive"
        built = timed("naive: regenerate all", t, clean_build, new_spec, naive_ws)
        cold_cache = base / "cold-mypy-cache"
        full = timed("naive: verify", t, run_ladder, naive_ws, cache_dir=cold_cache)
        shutil.rmtree(cold_cache, ignore_errors=True)

    assert inc.ok and full.ok, "both verifications must pass"
    inc_tests = inc.rung("tests").counts.get("passed", 0) if inc.rung("tests") else 0
    full_tests = full.rung("tests").counts.get("passed", 0) if full.rung("tests") else 0
    regen = len(outcome.regenerated)
    inc_total = t["incremental: regenerate + record"] + t["incremental: verify"]
    naive_total = t["naive: regenerate all"] + t["naive: verify"]
    print(f"fixture {Path(args.fixture).name}: add a field to {model}")
    print(f"{'':32}{'autobe':>12}{'naive':>12}{'ratio':>10}")
    rows = [
        ("modules generated", regen, built.modules),
        ("generated tests run", inc_tests, full_tests),
        ("seconds: regenerate", t["incremental: regenerate + record"],
         t["naive: regenerate all"]),
        ("seconds: verify", t["incremental: verify"], t["naive: verify"]),
        ("seconds: total", inc_total, naive_total),
    ]
    for label, ours, theirs in rows:
        ratio = theirs / ours if ours else float("inf")
        fmt = "{:>12.2f}" if isinstance(ours, float) else "{:>12d}"
        print(f"{label:32}" + fmt.format(ours) + fmt.format(theirs) + f"{ratio:>9.1f}x")


if __name__ == "__main__":
    main()
