"""The ``autobe`` commands, one module per area; :data:`COMMANDS` is what the group holds."""

from __future__ import annotations

import click

from autobe_cli.commands.access import access
from autobe_cli.commands.admin import admin
from autobe_cli.commands.database import db, serve
from autobe_cli.commands.history import blame, change, checkout, diff, log, rollback, show, tag
from autobe_cli.commands.implementing import implement
from autobe_cli.commands.importing import import_command
from autobe_cli.commands.project import build, check, graph, init, spec, status
from autobe_cli.commands.realizing import realize

COMMANDS: tuple[click.Command, ...] = (
    init, build, check, graph, spec, access, status,
    change, implement, realize, log, show, diff, blame, rollback, checkout, tag,
    import_command,
    db, serve, admin,
)
