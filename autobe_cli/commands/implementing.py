"""``autobe implement OPERATION``: make an operation the user's (a change like any other:
``implement OPERATION myself`` planned by the rules, shown, confirmed, applied)."""

from __future__ import annotations

import click

from autobe_cli.commands.history import change


@click.command()
@click.argument("operation")
@click.option("--author", default=None, help="Who asked (default: your user name).")
@click.option("--dry-run", is_flag=True, help="Show the plan and affected modules; write nothing.")
@click.option("-y", "--yes", is_flag=True, help="Apply the plan without asking.")
@click.pass_context
def implement(
    click_ctx: click.Context, operation: str, author: str | None, dry_run: bool, yes: bool
) -> None:
    """Implement OPERATION yourself: its id (put_todo_user_lists_by_list_id) or
    "METHOD PATH".

    The operation becomes custom and yours: autobe generates its typed interface
    (app/interfaces/<id>.py) and creates app/custom/<id>.py once, answering 501 until you
    implement it; autobe never overwrites or removes that file (docs/generated-backend.md)."""
    click_ctx.invoke(change, request=f"implement {operation} myself", author=author,
                     dry_run=dry_run, yes=yes)
