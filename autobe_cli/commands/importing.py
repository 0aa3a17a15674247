"""``autobe import``: an AutoBe project (its prisma.json and document.json) -> a project."""

from __future__ import annotations

import json
from pathlib import Path

import click

from autobe_cli import render
from autobe_cli.commands.realizing import run_realize
from autobe_cli.context import author_of
from autobe_core.service import ChangeOptions, ProjectService


@click.command(name="import")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=Path),
    metavar="PATH [DOCUMENT]",
)
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The project directory to create (default: ./<project name>).",
)
@click.option("--name", default=None, help="Project name (default: the AutoBe folder's name).")
@click.option(
    "--store",
    default=None,
    metavar="URL",
    help="Storage URL (sqlite:///PATH or postgresql://...); default: SQLite in the project.",
)
@click.option("--author", default=None, help="Who imported it (default: your user name).")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@click.option("--quiet", is_flag=True, help="Print the report's summary only, not every note.")
@click.option("--no-realize", is_flag=True,
              help="Do not have the configured model realize the custom operations.")
def import_command(
    paths: tuple[Path, ...],
    target: Path | None,
    name: str | None,
    store: str | None,
    author: str | None,
    as_json: bool,
    quiet: bool,
    no_realize: bool = False,
) -> None:
    """Import an AutoBe project: PATH is its folder (holding autobe/prisma.json and,
    when present, autobe/document.json), or its prisma.json [and document.json].

    Revision 1 of the new project is the imported spec, built. Operations with no
    standard equivalent are generated as 501 handlers and reported as unrealized; the
    import report (also saved under .autobe/) lists what was renamed, approximated or
    dropped, with JSON paths into the source files."""
    with render.build_progress() as progress:
        outcome = ProjectService.import_project(
            list(paths),
            target,
            name=name,
            author=author_of(author),
            store=store,
            progress=progress,
        )
    if as_json:
        render.out.file.write(json.dumps(outcome.report.to_dict(), indent=2) + "\n")
        return
    render.emit(outcome.report.to_text(details=not quiet), None)
    render.init_result(outcome.result)
    render.err.print(render.plain(f"import report saved: {outcome.report_text} (and .json)"))
    if not no_realize:  # a model configured: the custom operations, by the LLM
        run_realize(ProjectService(outcome.result.layout),
                    ChangeOptions(author=author_of(author)))
