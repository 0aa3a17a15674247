"""Edits applied to a spec: apply, check, expand, invert, and the creation change.

The handlers live in one module per edit area: models, fields, indexes, api
(operations and actors); cross-cutting edits expand first (``expand``), and each
concrete edit has an exact inverse (``invert``).
"""

from autobe_core.spec.edits.apply import (
    AFTER_PREFIX,
    Outcome,
    Step,
    apply,
    check,
    creation,
    expand,
    invert,
    run,
)

__all__ = [
    "AFTER_PREFIX",
    "Outcome",
    "Step",
    "apply",
    "check",
    "creation",
    "expand",
    "invert",
    "run",
]
