"""A click group whose commands are imported when they run, not when ``autobe`` starts.

Each command is a :class:`LazyCommand`: where it is defined (``"module:attribute"``) and
its one-line help, which ``autobe --help`` lists without importing any command module
(a test checks each line equals the command's own short help). ``autobe log`` imports
the history commands' module and what it needs, nothing else: no FastAPI, openai, mypy
or generators on the way to a one-table answer.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True)
class LazyCommand:
    """A command, by where it is defined (``"autobe_cli.commands.history:log"``)."""

    target: str
    help: str
    """The command's short help, as ``autobe --help`` lists it."""

    def load(self) -> click.Command:
        """The command itself (its module imported)."""
        module, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


class LazyGroup(click.Group):
    """A group holding :class:`LazyCommand` entries beside ordinary commands."""

    def __init__(self, *args: Any, lazy: Mapping[str, LazyCommand] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, LazyCommand] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy:
            command = self.lazy[cmd_name].load()
            self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list with each lazy command's recorded help (none is imported)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows: list[tuple[str, str]] = []
        for name in names:
            command = (
                click.Command(name, help=self.lazy[name].help)  # shown as the command's
                if name in self.lazy and name not in self.commands
                else self.get_command(ctx, name)
            )
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def load_all(self) -> dict[str, click.Command]:
        """Every command, imported (for tools and tests walking the command tree)."""
        for name, entry in self.lazy.items():
            if name not in self.commands:
                self.add_command(entry.load(), name)
        return dict(self.commands)
