"""The database commands: ``db status / upgrade / sql`` and ``serve``.

Which database: ``--url``, else ``AUTOBE_DATABASE_URL``, else the backend's default
(``sqlite:///./app.db`` in ``backend/``). By hand, inside ``backend/``: ``alembic upgrade
head`` is ``autobe db upgrade``, ``alembic upgrade head --sql`` prints the SQL, and
``uvicorn app.main:app`` serves the app (which refuses a database behind its head).
"""

from __future__ import annotations

import sys

import click

from autobe_cli.context import Context, pass_context
from autobe_cli.render import database as render

URL_HELP = ("The database (sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DB); "
            "default: AUTOBE_DATABASE_URL, else the backend's sqlite:///./app.db.")


@click.group("db")
def db() -> None:
    """The backend's database: where it is, bring it to the head, the SQL for review.

    Each revision that changed the schema recorded one migration; the chain only moves
    forward (a rollback records a migration back to the older schema), so `db upgrade`
    always goes to the head. Inside backend/, `alembic upgrade head` does the same.
    """


@db.command("status")
@click.option("--url", default=None, metavar="URL", help=URL_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_context
def db_status(ctx: Context, url: str | None, as_json: bool) -> None:
    """The database's migration, the head's, and the pending steps (destructive flagged)."""
    render.database_status(ctx.service().database_status(url), as_json=as_json)


@db.command("upgrade")
@click.option("--url", default=None, metavar="URL", help=URL_HELP)
@pass_context
def db_upgrade(ctx: Context, url: str | None) -> None:
    """Bring the database to the head revision's schema (in one transaction: a failing
    migration leaves it where it was)."""
    render.upgrade_result(ctx.service().database_upgrade(url))


@db.command("sql")
@click.option("--from", "start", default=None, metavar="REV",
              help="The revision (number or tag) the database is at; default: empty.")
@click.option("--to", "end", default="head", show_default=True, metavar="REV",
              help="The revision (number or tag) to bring it to.")
@click.option("--url", default=None, metavar="URL",
              help="Whose dialect to write (default: AUTOBE_DATABASE_URL, else PostgreSQL); "
              "never connected to.")
@pass_context
def db_sql(ctx: Context, start: str | None, end: str, url: str | None) -> None:
    """Print the SQL of the migrations from --from's schema to --to's, for review
    (Alembic's offline mode: nothing runs)."""
    render.sql_script(ctx.service().database_sql(start, end, url))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port to listen on.")
@click.option("--url", default=None, metavar="URL", help=URL_HELP)
@pass_context
def serve(ctx: Context, host: str, port: int, url: str | None) -> None:
    """Run the backend (uvicorn app.main:app in backend/) once its database is at the
    head; Ctrl-C stops it."""
    code = ctx.service().serve(host, port, url, ready=render.serving)
    if code:
        sys.exit(code)
