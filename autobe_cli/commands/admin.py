"""``autobe admin create``: the first account of a privileged actor, made outside the API.

A privileged actor (admin kind, or marked privileged) never joins publicly: its join route
needs a principal of a privileged actor. This command makes an account on the database
(``--url``, else ``AUTOBE_DATABASE_URL``, else the backend's default) with the backend's
``app/admin.py``; by hand, inside ``backend/``: ``python -m app.admin create --actor ACTOR
--email E``. The password is asked for (twice, not echoed), or read from standard input
with ``--password-stdin`` (one line, for scripts); it is never an argument.
"""

from __future__ import annotations

import sys

import click

from autobe_cli.commands.database import URL_HELP
from autobe_cli.context import Context, pass_context
from autobe_cli.render.console import out, plain


@click.group("admin")
def admin() -> None:
    """Accounts made outside the API (the first account of a privileged actor)."""


def _field(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r}: write FIELD=VALUE", ctx, param)
        fields[name.strip()] = text
    return fields


@admin.command("create")
@click.option("--actor", required=True, metavar="ACTOR",
              help="The privileged actor (e.g. admin) whose account to make.")
@click.option("--email", required=True, metavar="E", help="The account's e-mail (identity).")
@click.option("--set", "fields", multiple=True, metavar="FIELD=VALUE", callback=_field,
              help="Another field the actor's join body requires (repeatable).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (one line) instead of asking.")
@click.option("--url", default=None, metavar="URL", help=URL_HELP)
@pass_context
def admin_create(ctx: Context, actor: str, email: str, fields: dict[str, str],
                 password_stdin: bool, url: str | None) -> None:
    """Make an account of a privileged actor in the database (at the head's migration).

    Later accounts of privileged actors are made through their join route by a signed-in
    privileged principal.
    """
    def password() -> str:
        if password_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        answer: str = click.prompt("password", hide_input=True, confirmation_prompt=True,
                                   err=True)
        return answer

    made = ctx.service().create_account(actor, email, password, fields, url)
    out.print(plain(f"created {made.actor} account {made.id} ({made.identity}) in the "
                    f"database at {made.url.shown}"))
