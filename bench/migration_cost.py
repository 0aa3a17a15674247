"""What generating a change's migration costs, measured in one run on an imported example.

The AutoBe shopping example (48 models) is imported once into a temporary directory (the
default SQLite store under ``.autobe/``) and its mypy cache warmed, as a user's project is
after ``autobe check``. Each representative change is then recorded on a fresh copy of that
project, ``--repeat`` times unverified and ``--verified-repeat`` times verified (the default
``autobe change``: mypy with the warm cache, the migrate rung, the tests the change
reaches), and the migration part alone is timed by calling what the change calls with the
same inputs:

- ``chain_at(project, head)``: the head's chain of migrations, read from the history (the
  new migration's ``down_revision``; the graph's migration modules);
- ``plan_migration(spec, concrete edits)``: the change's database steps from its typed edits
  (both schemas derived from the specs, then diffed);
- ``next_chain`` and the migration kind's planner for the new slice: its key and its text
  (the Alembic script).

It prints medians of each (two tables: wall seconds, and CPU seconds of this process and the
subprocesses it waited for, the steadier figure on a busy machine): migration seconds,
change seconds and the migration's share of the change; for verified changes also the
migrate rung (the migrations checked against the models on a scratch database), which is
verification, not generation. Usage:

    .venv/bin/python bench/migration_cost.py [--repeat 5] [--verified-repeat 1]
        [--example openai__gpt-4.1/shopping] [--change add-field ...] [--history 0]

``--history N`` first records N small changes (a nullable field on a model each, unverified),
so the changes are measured on a project with a longer history: the chain read grows with
it (every revision's delta is read).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autobe_core.generate import MigrationSlice, next_chain
from autobe_core.generate.kinds.migration import plan as plan_migration_modules
from autobe_core.schema import plan_migration
from autobe_core.service import ChangeOptions, ProjectService
from autobe_core.service.migrations import chain_at
from autobe_core.spec import expand
from autobe_core.spec.changeset import (
    AddField,
    AddIndex,
    AddModel,
    ChangeSet,
    RenameField,
)
from autobe_core.spec.model import ForeignField, Model, PlainField, ProjectSpec, Relation
from autobe_core.verify import run_ladder

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"

ORDERS = "shopping_mall_orders"
PRODUCTS = "shopping_mall_products"

CHANGES: dict[str, ChangeSet] = {
    "add-field": ChangeSet(summary="orders carry a gift message", edits=[AddField(
        model=ORDERS,
        field=PlainField(name="gift_message", type="string", nullable=True, max_length=200),
    )]),
    "rename-field": ChangeSet(summary="products: main_image_url is the cover image", edits=[
        RenameField(model=PRODUCTS, field="main_image_url", new_name="cover_image_url"),
    ]),
    "add-model-fk": ChangeSet(summary="notes on orders", edits=[AddModel(model=Model(
        name="shopping_mall_order_notes",
        foreign_fields=[ForeignField(
            name="shopping_mall_order_id",
            relation=Relation(name="order", target_model=ORDERS, opposite_name="notes"),
        )],
        plain_fields=[
            PlainField(name="body", type="string", max_length=2000),
            PlainField(name="created_at", type="datetime"),
        ],
    ))]),
    "add-index": ChangeSet(summary="orders listed by currency", edits=[
        AddIndex(model=ORDERS, kind="plain", field_names=["currency"]),
    ]),
}
"""Representative changes on shopping: a nullable field on a central model (orders), a
rename (data kept), a new model with a foreign key to orders, an index."""


@dataclass(frozen=True)
class Timing:
    """Seconds on the clock (wall) and of CPU (this process and the subprocesses it
    waited for: mypy, pytest, the migrate rung): on a busy machine the CPU figure is the
    steadier one."""

    wall: float
    cpu: float

    @staticmethod
    def now() -> Timing:
        times = os.times()
        return Timing(time.perf_counter(),
                      time.process_time() + times.children_user + times.children_system)

    def __add__(self, other: Timing) -> Timing:
        return Timing(self.wall + other.wall, self.cpu + other.cpu)

    def __sub__(self, other: Timing) -> Timing:
        return Timing(self.wall - other.wall, self.cpu - other.cpu)


@dataclass
class Figures:
    """Medians of one change."""

    chain_read: Timing
    plan_render: Timing
    unverified: Timing | None = None
    verified: Timing | None = None
    migrate_rung: float | None = None
    """Wall seconds of the verified change's migrate rung."""
    modules: int = 0

    @property
    def migration(self) -> Timing:
        return self.chain_read + self.plan_render


def median_of(runs: int, fn: Callable[[], Timing]) -> Timing:
    timings = [fn() for _ in range(runs)]
    return Timing(statistics.median(t.wall for t in timings),
                  statistics.median(t.cpu for t in timings))


def chain_seconds(service: ProjectService) -> Timing:
    """Reading the head's chain of migrations from the history, as a change does once."""
    with service.session() as session:
        project = session.project()
        started = Timing.now()
        chain_at(project, project.head)
        return Timing.now() - started


def plan_render_seconds(spec: ProjectSpec, chain: tuple[MigrationSlice, ...], head: int,
                        change: ChangeSet) -> Timing:
    """The migration part of a change, as :func:`autobe_core.service.proposals.propose`
    and staging do it: plan the steps from the concrete edits, extend the chain, key and
    render the new migration module. ``expand`` (which every change does anyway) is
    outside the timing."""
    concrete = ChangeSet(edits=expand(spec, change), summary=change.summary)
    started = Timing.now()
    database = plan_migration(spec, concrete)
    new_chain = next_chain(chain, head + 1, database, change.summary or "a change")
    text = ""
    for module in plan_migration_modules(new_chain[len(chain):]):
        _ = module.key
        text = module.generate()
    elapsed = Timing.now() - started
    assert database.steps and not database.diagnostics and text, "the change must migrate"
    return elapsed


def change_seconds(base: Path, scratch: Path, change: ChangeSet, *, verify: bool,
                   figures: Figures) -> Timing:
    """Record ``change`` on a fresh copy of the project at ``base``; the copy is timed
    out of it."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(base, scratch, symlinks=True)
    service = ProjectService.open(scratch)
    started = Timing.now()
    outcome = service.change(change, ChangeOptions(author="bench", verify=verify))
    elapsed = Timing.now() - started
    if outcome.rejected or outcome.revision is None:
        raise SystemExit(f"the change was rejected: {outcome.verification}")
    figures.modules = len(outcome.regenerated)
    if verify and outcome.verification is not None:
        rung = outcome.verification.rung("migrate")
        figures.migrate_rung = rung.seconds if rung else None
    shutil.rmtree(scratch, ignore_errors=True)
    return elapsed


@dataclass(frozen=True)
class Project:
    """The imported project the changes start from."""

    service: ProjectService
    spec: ProjectSpec
    chain: tuple[MigrationSlice, ...]
    head: int


def measure(change: ChangeSet, project: Project, scratch: Path, repeat: int,
            verified_repeat: int) -> Figures:
    """The medians of ``change``: its migration part, and the change unverified and
    verified (``verified_repeat`` 0: not measured)."""
    root = project.service.layout.root
    figures = Figures(
        chain_read=median_of(repeat, lambda: chain_seconds(project.service)),
        plan_render=median_of(repeat, lambda: plan_render_seconds(
            project.spec, project.chain, project.head, change)),
    )
    figures.unverified = median_of(repeat, lambda: change_seconds(
        root, scratch, change, verify=False, figures=figures))
    if verified_repeat:
        figures.verified = median_of(verified_repeat, lambda: change_seconds(
            root, scratch, change, verify=True, figures=figures))
    return figures


def share(part: float, whole: float | None) -> str:
    return f"{100 * part / whole:>8.2f}%" if whole else f"{'-':>9}"


def seconds(value: float | None, width: int = 10) -> str:
    return f"{value:>{width}.3f}" if value is not None else f"{'-':>{width}}"


def print_table(results: dict[str, Figures], title: str, pick: Callable[[Timing], float],
                *, rung: bool) -> None:
    """One table of ``results``, in wall or CPU seconds (``pick``)."""
    print(f"\n{title}")
    print(f"{'change':14}{'modules':>8}{'chain':>8}{'plan+render':>12}{'migration':>10}"
          f"{'change':>10}{'share':>9}{'verified':>10}{'share':>9}"
          + (f"{'migrate rung':>14}" if rung else ""))
    for name, f in results.items():
        migration = pick(f.migration)
        unverified = pick(f.unverified) if f.unverified else None
        verified = pick(f.verified) if f.verified else None
        print(f"{name:14}{f.modules:>8d}{pick(f.chain_read):>8.4f}"
              f"{pick(f.plan_render):>12.4f}{migration:>10.4f}{seconds(unverified)}"
              f"{share(migration, unverified)}{seconds(verified)}{share(migration, verified)}"
              + (seconds(f.migrate_rung, 14) if rung else ""))


def record_history(service: ProjectService, spec: ProjectSpec, count: int) -> None:
    """``count`` earlier revisions: a nullable field on one model after another."""
    for i in range(count):
        model = spec.models[i % len(spec.models)].name
        field = PlainField(name=f"bench_history_{i}", type="string", nullable=True,
                           max_length=100)
        service.change(ChangeSet(summary=f"history {i}", edits=[
            AddField(model=model, field=field)]), ChangeOptions(author="bench", verify=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--example", default="openai__gpt-4.1/shopping")
    parser.add_argument("--repeat", type=int, default=5,
                        help="unverified changes (and migration timings) per change")
    parser.add_argument("--verified-repeat", type=int, default=1,
                        help="verified changes per change (0: none)")
    parser.add_argument("--history", type=int, default=0,
                        help="earlier changes recorded before measuring (default 0)")
    parser.add_argument("--change", action="append", choices=sorted(CHANGES),
                        help="which changes (default: all)")
    args = parser.parse_args()
    names: list[str] = args.change or list(CHANGES)
    results: dict[str, Figures] = {}

    with tempfile.TemporaryDirectory(prefix="autobe-bench-") as tmp:
        base = Path(tmp) / "base"
        started = time.perf_counter()
        ProjectService.import_project([EXAMPLES / args.example], base, author="bench")
        imported = time.perf_counter() - started
        service = ProjectService.open(base)
        record_history(service, service.spec(), args.history)
        if args.verified_repeat:
            warm = run_ladder(service.layout.workspace, rungs=("compile", "mypy"),
                              cache_dir=service.layout.mypy_cache)
            assert warm.ok, "the imported project must type-check"
        with service.session() as session:
            project = session.project()
            head = project.head
            chain = chain_at(project, head)
        spec = service.spec()
        print(f"{args.example}: {len(spec.models)} models, imported in {imported:.1f} s, "
              f"head revision {head}, {len(chain)} migration(s); medians of {args.repeat} "
              f"unverified / {args.verified_repeat} verified runs")

        for name in names:
            results[name] = measure(CHANGES[name], Project(service, spec, chain, head),
                                    Path(tmp) / "run", args.repeat, args.verified_repeat)
            print(f"  {name}: done", flush=True)

    print_table(results, "wall seconds (medians)", lambda t: t.wall, rung=True)
    print_table(results, "CPU seconds (medians; this process and its subprocesses)",
                lambda t: t.cpu, rung=False)

if __name__ == "__main__":
    main()
