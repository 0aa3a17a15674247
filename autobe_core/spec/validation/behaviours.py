"""Rules on declarative domain behaviour (``Model.behaviours``,
:mod:`autobe_core.spec.behaviours`): each behaviour names fields that exist with the right
types (a non-null int for counts, int / double / decimal for totals), a child whose
foreign field points at the model, a snapshot model whose required fields can be copied;
one behaviour per field. One message each, with the allowed values.
"""

from __future__ import annotations

from autobe_core.spec.behaviours import behaviour_problem
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.validation.common import Path, Report


def check_behaviours(spec: ProjectSpec, report: Report) -> None:
    for i, model in enumerate(spec.models):
        kept: set[str] = set()
        for j, b in enumerate(model.behaviours):
            base: Path = ["models", i, "behaviours", j]
            problem = behaviour_problem(spec, model, b)
            if problem is not None:
                key, message, allowed = problem
                report.error([*base, key], "behaviour.invalid", message, allowed)
                continue
            if b.field is not None and b.kind != "snapshot":
                if b.field in kept:
                    report.error([*base, "field"], "behaviour.duplicate",
                                 f"{model.name}.{b.field} is kept by two behaviours; "
                                 "one field, one behaviour", ())
                kept.add(b.field)
