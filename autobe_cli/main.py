"""The ``autobe`` command group: global options, errors in one place, the commands.

Starting is cheap: the commands (:data:`~autobe_cli.commands.COMMANDS`) are imported when
one runs, and :mod:`autobe_cli.errors` imports what renders an error when there is one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from autobe_cli import errors
from autobe_cli.commands import COMMANDS
from autobe_cli.context import Context
from autobe_cli.lazy import LazyGroup


class AutobeGroup(LazyGroup):
    """Every command's failure goes through :mod:`autobe_cli.errors`: one clear message
    and a non-zero exit status (a traceback only with ``--debug``)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except errors.PASSED_ON:
            raise
        except Exception as exc:
            state = ctx.find_object(Context)
            if state is not None and state.debug:
                raise
            ctx.exit(errors.report(exc))


@click.group(cls=AutobeGroup, lazy=COMMANDS)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "-C",
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run as if started in this project directory.",
)
@click.version_option(package_name="autobe")
@click.pass_context
def cli(ctx: click.Context, debug: bool, project_dir: Path | None) -> None:
    """autobe keeps a generated backend maintainable while its requirements change."""
    ctx.obj = Context(debug=debug, project_dir=project_dir or Path.cwd())


def main() -> None:
    cli(prog_name="autobe")
