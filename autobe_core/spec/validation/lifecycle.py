"""Rules on the account lifecycle operations (:mod:`autobe_core.spec.lifecycle`).

A ``change_password`` / ``reset_*`` / ``verify_*`` / ``logout`` operation targets the model
of an actor that logs in with an identity and a password; ``change_password`` and
``logout`` are called by that actor (its principal is the account); the token kinds need
the ``account_tokens`` model; none takes path parameters; bodies other than the ones the
generated handler uses are warned about (``operation.body-type``).
"""

from __future__ import annotations

from autobe_core.spec.lifecycle import LIFECYCLE_KINDS, lifecycle_bodies, lifecycle_problem
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.validation.common import Path, Report


def check_lifecycle(spec: ProjectSpec, report: Report) -> None:
    for i, op in enumerate(spec.operations):
        if op.kind not in LIFECYCLE_KINDS:
            continue
        base: Path = ["operations", i]
        problem = lifecycle_problem(spec, op.kind, op.model, op.actor)
        if problem is not None:
            report.error(
                [*base, "kind"],
                "operation.lifecycle",
                f"{op.endpoint} is a {op.kind} operation, but {problem}",
                ("an actor's accounts model whose actor has identity and password fields",
                 "custom"),
            )
        for j, _param in enumerate(op.parameters):
            report.error(
                [*base, "parameters", j],
                "param.not-allowed",
                f"{op.endpoint} is a {op.kind} operation and takes no path parameters",
                (),
            )
        model = spec.model(op.model) if op.model else None
        if model is None:
            continue
        for key, body, expected in zip(("requestBody", "responseBody"),
                                       (op.request_body, op.response_body),
                                       lifecycle_bodies(model, op.kind), strict=True):
            actual = body.type_name if body is not None else None
            if actual != expected:
                report.warning(
                    [*base, key, "typeName"],
                    "operation.body-type",
                    f"{op.endpoint} is a {op.kind} operation: the generated handler uses "
                    f"{expected or 'no body'}, not {actual or 'no body'}",
                    (expected or "null",),
                )
