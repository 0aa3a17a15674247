"""Results of the project commands: init, build, check (the ladder), graph, status.

Names, paths and tool output are shown through :func:`~autobe_cli.render.console.plain`:
escaped, and never read as rich markup.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from autobe_cli.render.console import STATUS_STYLE, err, out, plain
from autobe_core.errors import AutobeError

if TYPE_CHECKING:  # what renders a value does not import what made it
    from autobe_core.service import BuildOutcome, InitResult, Status
    from autobe_core.verify import LadderProgress, LadderResult
    from autobe_core.verify.result import RungResult


def init_result(result: InitResult) -> None:
    from autobe_core.verify import RUNGS

    spec = result.spec
    if result.replaced_incomplete:
        err.print(plain(
            f"note: an earlier `autobe init` in {result.layout.root} had stopped before "
            "recording revision 1; its incomplete state was replaced"
        ))
    out.print(
        Text("created project ")
        + plain(spec.name, "bold")
        + plain(
            f" in {result.layout.root}: "
            f"{len(spec.models)} models, {len(spec.operations)} operations, "
            f"{len(spec.actors)} actors; revision {result.revision.number}, "
            f"{result.modules} modules generated"
        )
    )
    for warning in result.warnings:
        err.print(plain(warning.render()))
    out.print(plain(f"next: `autobe check` ({', '.join(RUNGS)}); "
                    "`autobe db upgrade` to create its database"))


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


def build_result(o: BuildOutcome, workspace: Path) -> None:
    synced = o.synced
    for name in synced.cleaned:
        err.print(plain(f"  removed what an interrupted command left: {name}"))
    for path in synced.restored:
        err.print(plain(f"  wrote again the deleted {path}"))
    for path in synced.saved:
        err.print(plain(f"  saved your version: {path}"))
    for path in synced.kept:
        err.print(plain(f"  kept your version of {path} (the head's differs)"))
    edits = f"; {len(o.edited)} file(s) edited by hand, kept" if o.edited else ""
    out.print(plain(f"workspace {workspace} holds the head revision (r{synced.revision}, "
                    f"{o.modules} modules{edits})"))
    if o.edited:
        out.print("  `autobe build --force` writes the head's versions, saving yours under "
                  ".autobe/saved/")


def status(s: Status) -> None:
    out.print(plain(f"project {s.name}: revision {s.head}; last check: {s.verification}"))
    out.print(plain(f"store: {s.store}"))
    if s.realized:
        r = s.realized
        out.print(f"operations: {r.get('deterministic', 0)} generated, {r.get('user', 0)} "
                  f"yours (app/custom/), {r.get('llm', 0)} LLM-realized, "
                  f"{r.get('unrealized', 0)} unrealized")
    if s.unrealized:
        out.print(f"unrealized operations: {s.unrealized} (custom: answer 501 until realized)")
    for path in s.orphaned:
        out.print(plain(f"  orphaned: {path} (its operation is gone or no longer yours; kept, "
                        "not type-checked)"))
    if s.busy:
        out.print(plain(f"another autobe process is working on this project ({s.busy})"))
    out.print(plain(f"workspace: {_workspace_state(s)}"))
    label = "differs from the head" if s.manifest_missing else "edited by hand"
    for path in s.edited:
        out.print(plain(f"  {label}: {path}"))
    for path in s.missing:
        out.print(plain(f"  deleted: {path} (`autobe build` writes it again)"))
    for path in s.untracked:
        out.print(plain(f"  your own file:  {path}"))
    for name in s.leftovers:
        out.print(plain(
            f"  left by an interrupted command: {name} (the next `autobe build` or change "
            "removes it)"
        ))


def _workspace_state(s: Status) -> str:
    if s.manifest_missing:
        what = (
            f"`autobe build` stops on the {len(s.edited)} file(s) below that differ from the "
            "head; --keep-mine keeps them, --force saves them under .autobe/saved/ and "
            "writes the head's"
            if s.edited
            else "`autobe build` writes it again (no file differs from the head's)"
        )
        return (
            "its manifest (.autobe-manifest.json) is missing, so autobe cannot tell your "
            f"edits from its own files; {what}"
        )
    if not s.built:
        return "not built (run `autobe build`)"
    if not s.in_sync:
        held = (
            f"revision {s.workspace_revision}'s files" if s.workspace_revision
            else "the files of no recorded revision"
        )
        return (
            f"holds {held}, behind the head (`autobe build` or the next change brings it "
            "up to date)"
        )
    if s.edited:
        return f"holds the head revision, with {len(s.edited)} file(s) edited by hand (below)"
    return "holds the head revision"


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
                Text(f"  {rung}: ")
                + Text(result.status, style=style)
                + plain(f" ({result.seconds:.1f}s) {result.summary}")
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
            rung.name, Text(rung.status, style=style), f"{rung.seconds:.1f}", plain(details)
        )
    out.print(table)
    for rung in result.rungs:
        for diag in rung.diagnostics[:30]:
            where = diag.location()
            out.print(plain(f"  {where}: {diag.message}" if where else f"  {diag.message}"))
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
