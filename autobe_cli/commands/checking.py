"""``autobe check``: the recompile ladder on the workspace. Parse, call the service,
render. (Its own module: the ladder's rungs are imported only by the command running
them.)"""

from __future__ import annotations

import sys

import click

from autobe_cli import render
from autobe_cli.context import Context, pass_context
from autobe_core.verify import RUNGS


@click.command()
@click.option(
    "--rung",
    "rungs",
    multiple=True,
    type=click.Choice(RUNGS),
    help="Run only these rungs (repeatable). Default: all, in order.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_context
def check(ctx: Context, rungs: tuple[str, ...], as_json: bool) -> None:
    """Recompile and test the backend: compile, mypy --strict, migrate (an empty
    database up, compared with the models, down and up), import, pytest."""
    service = ctx.service()
    selected = [r for r in RUNGS if r in rungs]
    with render.ladder_progress(enabled=not as_json) as progress:
        result = service.check(rungs=selected or None, progress=progress)
    render.ladder_result(result, as_json=as_json)
    if not result.ok:
        sys.exit(1)
