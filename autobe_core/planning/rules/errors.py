"""Errors of the rule planner beyond :class:`NotUnderstood`."""

from __future__ import annotations

from autobe_core.errors import AutobeError


class NothingToDo(AutobeError):
    """The request was understood, but the project already is what it asks for (or holds
    nothing it asks to remove). Not a NotUnderstood: no other planner should guess a
    different meaning for it."""
