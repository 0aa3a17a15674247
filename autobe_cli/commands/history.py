"""Commands over the project history: change, log, show, diff, blame, rollback, checkout,
tag. Parse, call the service, render; nothing else. What only ``change`` and ``rollback``
need (the change use cases, realizing) is imported by them: reading the history stays
cheap."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from autobe_cli.context import Context, author_of, pass_context
from autobe_cli.render import build_progress, ladder_progress, safe
from autobe_cli.render import history as render


@click.command()
@click.argument("request", required=False)
@click.option(
    "--edits",
    "edits_path",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML/JSON file with typed edits (see docs/changes.md), instead of REQUEST.",
)
@click.option("-m", "--message", default=None, help="What was asked for, for the log.")
@click.option("--author", default=None, help="Who asked (default: your user name).")
@click.option("--dry-run", is_flag=True, help="Show the plan and affected modules; write nothing.")
@click.option("-y", "--yes", is_flag=True, help="Apply the plan without asking.")
@click.option(
    "--keep-mine",
    is_flag=True,
    help="Keep your hand-edited versions of files the change would overwrite; apply a "
    "change your app/custom/ implementations no longer type-check against.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite hand-edited files, saving your versions under .autobe/saved/.",
)
@click.option("--no-verify", is_flag=True, help="Skip the recompile ladder (not recommended).")
@click.option(
    "--all-tests", is_flag=True, help="Run every generated test, not only those the change reaches."
)
@click.option(
    "--no-realize", is_flag=True,
    help="Do not have the configured model realize the custom operations afterwards.",
)
@pass_context
def change(
    ctx: Context,
    request: str | None,
    edits_path: Path | None,
    message: str | None,
    author: str | None,
    dry_run: bool,
    yes: bool,
    keep_mine: bool,
    force: bool,
    no_verify: bool,
    all_tests: bool,
    no_realize: bool = False,
) -> None:
    """Change the project: REQUEST in words ("add notifications"), or --edits FILE.

    Shows the plan and the modules it affects, asks for confirmation (--yes for scripts),
    then regenerates what it affects, verifies and records a revision."""
    from autobe_cli.commands.realizing import run_realize
    from autobe_core.service import ChangeOptions, Hooks

    if keep_mine and force:
        raise click.UsageError("--keep-mine and --force exclude each other")
    if (request is None) == (edits_path is None):
        raise click.UsageError('give either a REQUEST ("add notifications") or --edits FILE')
    service = ctx.service()
    options = ChangeOptions(
        author=author_of(author),
        keep_mine=keep_mine,
        force=force,
        verify=not no_verify,
        all_tests=all_tests,
    )
    wanted = request if request is not None else edits_path
    assert wanted is not None
    plan_shown = edits_path is None or dry_run
    if edits_path is not None and not dry_run:
        # Typed edits are not shown first: propose and apply in one unit of work.
        with build_progress() as progress, ladder_progress() as ladder:
            outcome = service.change(
                edits_path, options, text=message, hooks=Hooks(build=progress, ladder=ladder)
            )
    else:
        proposal = service.propose(wanted, text=message)
        render.explanation(proposal.request)
        render.plan(proposal.checked())
        if dry_run:
            render.dry_run()
            return
        if not yes:
            if not sys.stdin.isatty():
                raise click.UsageError("confirmation needed and no terminal to ask: pass --yes")
            click.confirm("apply this change?", abort=True)
        with build_progress() as progress, ladder_progress() as ladder:
            outcome = service.apply(proposal, options, Hooks(build=progress, ladder=ladder))
    render.change_outcome(outcome, plan_shown=plan_shown)
    if outcome.rejected:
        sys.exit(1)
    if not no_realize:  # a model configured: custom operations whose slice changed
        run_realize(service, options)


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--rejected", is_flag=True, help="Also list rejected changes.")
@pass_context
def log(ctx: Context, as_json: bool, rejected: bool) -> None:
    """The revisions: who asked for what, which modules it touched, verification, tokens."""
    service = ctx.service()
    entries = service.log()
    if as_json:
        click.echo(json.dumps([render.log_data(e) for e in entries], indent=2))
        return
    render.log(entries)
    if rejected:
        render.rejections(service.rejections())


REFERENCES = {"ignore_unknown_options": True}
"""For commands whose only options are flags: ``show -1`` reads -1 as the revision (and
refuses it naming what is allowed), not as an unknown option."""


@click.command(context_settings=REFERENCES)
@click.argument("rev")
@pass_context
def show(ctx: Context, rev: str) -> None:
    """One revision in full: request, edits, modules and why, verification."""
    render.show(ctx.service().show(rev))


@click.command(context_settings=REFERENCES)
@click.argument("a")
@click.argument("b", default="head")
@click.option("--spec-only", is_flag=True, help="Only the spec diff.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def diff(ctx: Context, a: str, b: str, spec_only: bool, as_json: bool) -> None:
    """Spec diff and unified code diff between revisions A and B (default: head)."""
    result = ctx.service().diff(a, b)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    render.diff(result, spec_only=spec_only)


@click.command()
@click.argument("path", default="")
@pass_context
def blame(ctx: Context, path: str) -> None:
    """The revision and request that last changed each generated file (under PATH)."""
    render.blame(ctx.service().blame(path))


@click.command()
@click.argument("rev")
@click.option("--author", default=None)
@click.option("--keep-mine", is_flag=True)
@click.option("--force", is_flag=True)
@click.option("--verify", is_flag=True, help="Run the ladder again (the files equal REV's).")
@pass_context
def rollback(
    ctx: Context, rev: str, author: str | None, keep_mine: bool, force: bool, verify: bool
) -> None:
    """Record a new revision equal to REV (nothing is regenerated when its blobs exist)."""
    from autobe_core.service import ChangeOptions, Hooks

    options = ChangeOptions(
        author=author_of(author), keep_mine=keep_mine, force=force, verify=verify
    )
    with ladder_progress(enabled=verify) as ladder:
        outcome = ctx.service().rollback(rev, options, Hooks(ladder=ladder))
    render.change_outcome(outcome)


@click.command()
@click.argument("rev")
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new or empty directory.",
)
@pass_context
def checkout(ctx: Context, rev: str, target: Path) -> None:
    """Write revision REV's generated files into a directory."""
    number, files = ctx.service().checkout(rev, target)
    click.echo(safe(f"wrote revision {number} ({files} files) to {target}"))


@click.command(context_settings=REFERENCES)
@click.argument("name")
@click.argument("rev", default="head")
@pass_context
def tag(ctx: Context, name: str, rev: str) -> None:
    """Name a revision (default: head)."""
    number = ctx.service().tag(name, rev)
    click.echo(f"tagged revision {number} as {name}")
