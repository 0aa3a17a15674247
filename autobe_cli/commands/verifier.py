"""``autobe verifier status|stop``: the project's warm verifier (mypy's daemon on a mirror
of the tree; docs/architecture.md, "Build and verify")."""

from __future__ import annotations

import click

from autobe_cli.context import Context, pass_context


@click.group()
def verifier() -> None:
    """The mypy daemon.

    The warm verifier's mypy daemon: `status` says whether it runs, `stop` stops it.
    """


def _warm_dir(ctx: Context) -> str:
    from autobe_core.service.layout import ProjectLayout
    from autobe_core.verify import WARM_DIR

    return str(ProjectLayout.find(ctx.project_dir).state / WARM_DIR)


@verifier.command()
@pass_context
def status(ctx: Context) -> None:
    """Whether the mypy daemon runs, the mode (AUTOBE_VERIFIER) and the idle timeout."""
    from pathlib import Path

    from autobe_core.verify import verifier_status

    found = verifier_status(Path(_warm_dir(ctx)))
    click.echo(f"mode: {found.mode} (AUTOBE_VERIFIER=warm|cold)")
    click.echo(f"mypy daemon: {found.daemon}; stops itself after {found.idle_seconds} s idle "
               "(AUTOBE_VERIFIER_IDLE)")
    click.echo(f"mirror: {found.mirror_files} files in {found.directory}")


@verifier.command()
@pass_context
def stop(ctx: Context) -> None:
    """Stop the mypy daemon (the next verification starts it again)."""
    from pathlib import Path

    from autobe_core.verify import stop_verifier

    click.echo("stopped the mypy daemon" if stop_verifier(Path(_warm_dir(ctx)))
               else "no mypy daemon was running")
