"""The project commands: init, build, graph, spec, status (``check``: :mod:`.checking`)."""

from __future__ import annotations

from pathlib import Path

import click

from autobe_cli import render
from autobe_cli.context import Context, author_of, pass_context
from autobe_core.service import ProjectService


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--from",
    "spec_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The spec file (YAML or JSON) the project starts from.",
)
@click.option(
    "--store",
    default=None,
    metavar="URL",
    help="Storage URL (sqlite:///PATH or postgresql://...); default: SQLite in DIRECTORY/.autobe/.",
)
@click.option("--author", default=None, help="Who asked for it (default: your user name).")
def init(directory: Path, spec_path: Path, store: str | None, author: str | None) -> None:
    """Create a project in DIRECTORY from a spec file: revision 1, built."""
    with render.build_progress() as progress:
        result = ProjectService.init(
            directory, spec_path, author=author_of(author), store=store, progress=progress
        )
    render.init_result(result)


@click.command()
@click.option(
    "--keep-mine",
    is_flag=True,
    help="Keep files that differ from the head's where autobe cannot tell they are yours "
    "(no manifest).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write the head's version of every file you edited, saving yours under "
    ".autobe/saved/.",
)
@pass_context
def build(ctx: Context, keep_mine: bool, force: bool) -> None:
    """Make the workspace hold the head revision's files (regenerating what is missing)."""
    if keep_mine and force:
        raise click.UsageError("--keep-mine and --force exclude each other")
    service = ctx.service()
    with render.build_progress() as progress:
        outcome = service.build(progress=progress, keep_mine=keep_mine, force=force)
    render.build_result(outcome, service.layout.workspace)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["dot", "json", "svg"]),
    default="dot",
    show_default=True,
    help="dot and json list every module and edge; svg needs Graphviz.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to a file instead of standard output.",
)
@pass_context
def graph(ctx: Context, fmt: str, output: Path | None) -> None:
    """Export the module dependency graph."""
    service = ctx.service()
    dot_or_json = service.graph_text("dot" if fmt == "svg" else fmt)
    text = render.dot_to_svg(dot_or_json) if fmt == "svg" else dot_or_json
    render.emit(text, output)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True
)
@click.option("-r", "--revision", default="head", help="A revision number or tag.")
@pass_context
def spec(ctx: Context, fmt: str, revision: str) -> None:
    """Print the project's spec (at head, or at --revision)."""
    render.emit(ctx.service().spec_text(fmt, revision), None)


@click.command()
@pass_context
def status(ctx: Context) -> None:
    """Head revision, workspace state (edited / untracked files), last verification."""
    render.status(ctx.service().status())
