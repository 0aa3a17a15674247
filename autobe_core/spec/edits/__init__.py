"""Edits applied to a spec: apply, check, expand, invert, and the creation change.

:mod:`~autobe_core.spec.edits.engine` runs a ChangeSet through one handler per edit class
(its ``APPLIERS`` table); cross-cutting edits expand first (``expand.EXPANDERS``) and
each concrete edit has an exact inverse (``invert.INVERTERS``). The handlers live in one
module per edit area: models, fields, indexes, api (operations and actors).
"""

from autobe_core.spec.edits.engine import (
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
