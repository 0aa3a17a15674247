"""``autobe realize [OPERATION...]``: the configured LLM writes the custom operations that
have no user file (docs/llm.md); also run after ``autobe import`` and ``autobe change``
when a model is configured. Parse, call the service, render."""

from __future__ import annotations

import sys

import click

from autobe_cli.context import Context, author_of, pass_context
from autobe_cli.render import build_progress, ladder_progress
from autobe_cli.render import history as render_history
from autobe_cli.render import realizing as render
from autobe_core.errors import AutobeError
from autobe_core.planning.llm import llm_config_from_env
from autobe_core.realize import pending_operations
from autobe_core.service import ChangeOptions, Hooks, ProjectService
from autobe_core.service.realizing import RealizeOutcome


class NoModelConfigured(AutobeError):
    """``autobe realize`` without a model."""


def run_realize(service: ProjectService, options: ChangeOptions, *, only: tuple[str, ...] = (),
                max_tries: int | None = None, required: bool = False) -> RealizeOutcome | None:
    """Realize the pending custom operations when a model is configured (``required``:
    say so when none is, and let an endpoint failure fail the command; otherwise, after
    an import or a change that is already recorded, a failure is one warning line); None
    when there was nothing to do."""
    config = llm_config_from_env()
    if config is None:
        if required:
            raise NoModelConfigured(
                "no model is configured to realize custom operations",
                "set AUTOBE_LLM_MODEL (and AUTOBE_LLM_BASE_URL / AUTOBE_LLM_API_KEY), see "
                "docs/llm.md")
        return None
    pending, _ = pending_operations(service.spec())
    if not pending and not required:
        return None
    if pending:
        render.starting(len(pending), config.describe())
    try:
        with build_progress() as progress, ladder_progress(options.verify) as ladder:
            outcome = service.realize(config, only=only, max_tries=max_tries, options=options,
                                      hooks=Hooks(build=progress, ladder=ladder),
                                      on_try=render.try_line)
    except AutobeError as exc:
        if required:
            raise
        # after an import or a change, which are recorded: say so, do not fail them
        render.skipped(exc)
        return None
    render.report(outcome.report)
    if outcome.change is not None:
        render_history.change_outcome(outcome.change, plan_shown=True)
    return outcome


@click.command()
@click.argument("operations", nargs=-1)
@click.option("--max-tries", type=click.IntRange(min=1), default=None,
              help="Model calls per operation (default: AUTOBE_LLM_MAX_TRIES, 3).")
@click.option("--author", default=None, help="Who asked (default: your user name).")
@click.option("--no-verify", is_flag=True,
              help="Record without the full recompile ladder (each operation was still "
              "checked by mypy --strict and its tests).")
@pass_context
def realize(ctx: Context, operations: tuple[str, ...], max_tries: int | None,
            author: str | None, no_verify: bool) -> None:
    """Have the configured model write the custom operations without a user file
    (OPERATIONS: ids or "METHOD PATH"; default: every one that is not realized or whose
    interface or context changed). Each answer is checked by mypy --strict and the
    operation's generated tests, with the diagnostics fed back, up to --max-tries; what
    passes is recorded as one revision; the rest stays 501, with the diagnostics shown."""
    options = ChangeOptions(author=author_of(author), verify=not no_verify)
    outcome = run_realize(ctx.service(), options, only=operations, max_tries=max_tries,
                          required=True)
    if outcome is not None and outcome.change is not None and outcome.change.rejected:
        sys.exit(1)
