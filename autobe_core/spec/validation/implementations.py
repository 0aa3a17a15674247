"""Rules on who implements an operation (``Operation.implementation``): only a ``custom``
operation can be the user's (docs/generated-backend.md, "Custom operations")."""

from __future__ import annotations

from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.validation.common import Report


def check_implementations(spec: ProjectSpec, report: Report) -> None:
    for i, op in enumerate(spec.operations):
        if op.implementation is not None and op.kind != "custom":
            report.error(
                ["operations", i, "implementation"],
                "operation.implementation",
                f"{op.endpoint} is a {op.kind} operation, which autobe generates; only a "
                "custom operation can be implemented by the user",
                ("null", "kind: custom"),
            )
