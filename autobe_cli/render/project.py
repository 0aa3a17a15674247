"""Results of the project commands: init, build, check (the ladder), graph, status."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from autobe_cli.render.console import STATUS_STYLE, err, out
from autobe_core.errors import AutobeError
from autobe_core.service import InitResult, Status
from autobe_core.verify import LadderProgress, LadderResult
from autobe_core.verify.result import RungResult


def init_result(result: InitResult) -> None:
    spec = result.spec
    if result.replaced_incomplete:
        err.print(
            f"note: an earlier `autobe init` in {result.layout.root} had stopped before "
            "recording revision 1; its incomplete state was replaced",
            markup=False,
        )
    out.print(
        f"created project [bold]{spec.name}[/] in {result.layout.root}: "
        f"{len(spec.models)} models, {len(spec.operations)} operations, "
        f"{len(spec.actors)} actors; revision {result.revision.number}, "
        f"{result.modules} modules generated"
    )
    for warning in result.warnings:
        err.print(warning.render(), markup=False)
    out.print("next: `autobe check` (compile, mypy --strict, import, tests)")


@contextmanager
def build_progress() -> Iterator[Callable[[int, int, str], None]]:
    with Progress(
        TextColumn("generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def advance(done: int, total: int, module_id: str) -> None:
            progress.update(task, completed=done, total=total, description=module_id)

        yield advance


def build_result(modules: int, workspace: Path) -> None:
    out.print(f"workspace {workspace} holds the head revision ({modules} modules)")


def status(s: Status) -> None:
    out.print(f"project {s.name}: revision {s.head}; last check: {s.verification}")
    out.print(f"store: {s.store}")
    if s.unrealized:
        out.print(f"unrealized operations: {s.unrealized} (custom: answer 501 until realized)")
    if not s.built:
        out.print("workspace: not built (run `autobe build`)")
    elif not s.in_sync:
        out.print("workspace: behind the head (the next command brings it up to date)")
    else:
        out.print("workspace: holds the head revision")
    for path in s.edited:
        out.print(Text(f"  edited by hand: {path}"))
    for path in s.untracked:
        out.print(Text(f"  your own file:  {path}"))


@contextmanager
def ladder_progress(enabled: bool = True) -> Iterator[LadderProgress | None]:
    """A spinner naming the running rung, and one line per finished rung."""
    if not enabled:
        yield None
        return
    with err.status("checking...") as status:

        def report(rung: str, result: RungResult | None) -> None:
            if result is None:
                status.update(f"checking: {rung}...")
                return
            style = STATUS_STYLE.get(result.status, "")
            err.print(
                f"  {rung}: [{style}]{result.status}[/] ({result.seconds:.1f}s) {result.summary}"
            )

        yield report


def ladder_result(result: LadderResult, as_json: bool = False) -> None:
    if as_json:
        out.file.write(json.dumps(result.to_dict(), indent=2) + "\n")
        return
    table = Table(title="recompile ladder")
    table.add_column("rung")
    table.add_column("status")
    table.add_column("seconds", justify="right")
    table.add_column("details")
    for rung in result.rungs:
        style = STATUS_STYLE.get(rung.status, "")
        details = getattr(rung, "summary", "") or f"{len(rung.diagnostics)} diagnostic(s)"
        table.add_row(
            rung.name, Text(rung.status, style=style), f"{rung.seconds:.1f}", Text(details)
        )
    out.print(table)
    for rung in result.rungs:
        for diag in rung.diagnostics[:30]:
            out.print(f"  {diag.file}:{diag.line}: {diag.message}", markup=False)
        if len(rung.diagnostics) > 30:
            out.print(f"  ... {len(rung.diagnostics) - 30} more", markup=False)
    out.print("[green]all rungs green[/]" if result.ok else "[bold red]check failed[/]")


def dot_to_svg(dot: str) -> str:
    exe = shutil.which("dot")
    if exe is None:
        raise AutobeError(
            "SVG output needs Graphviz's `dot`, which is not installed",
            "install graphviz (e.g. `apt-get install graphviz`), or use --format dot / json",
        )
    done = subprocess.run([exe, "-Tsvg"], input=dot, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AutobeError(f"Graphviz failed: {done.stderr.strip()}")
    return done.stdout
