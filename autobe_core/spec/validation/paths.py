"""Rules on operation paths and their path parameters.

A path starts with ``/`` and every segment matches :data:`naming.PATH_SEGMENT`. Two
operations with one method must not match the same requests: equal paths once every
``{param}`` is a placeholder is an error (the router could never reach the second);
a literal segment against a parameter at the same place is a warning (the route
registered first wins for that literal).
"""

from __future__ import annotations

from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import (
    PATH_SEGMENT,
    parameter_problem,
    path_parameters,
    path_problem,
    snake,
)
from autobe_core.spec.validation.common import ALLOWED_PARAMETER_NAME, Path, Report

ALLOWED_PATH = (
    "starts with '/'",
    f"segments match {PATH_SEGMENT.pattern}",
    "no empty segments (no '//' or trailing '/')",
)

PLACEHOLDER = "{}"


def segments(path: str) -> list[str]:
    return [] if path == "/" else path[1:].split("/")


def shape(path: str) -> tuple[str, ...]:
    return tuple(PLACEHOLDER if s.startswith("{") else s for s in segments(path))


def check_paths(spec: ProjectSpec, report: Report) -> None:
    valid: list[tuple[int, Operation]] = []
    for i, op in enumerate(spec.operations):
        base: Path = ["operations", i]
        problem = path_problem(op.path)
        if problem:
            report.error([*base, "path"], "path.syntax", f"invalid path: {problem}", ALLOWED_PATH)
        else:
            valid.append((i, op))
        _check_parameters(op, base, report, path_ok=problem is None)
    _check_collisions(valid, report)


def _check_parameters(op: Operation, base: Path, report: Report, *, path_ok: bool) -> None:
    declared_names = [p.name for p in op.parameters]
    snake_seen: dict[str, str] = {}
    for j, param in enumerate(op.parameters):
        path: Path = [*base, "parameters", j, "name"]
        problem = parameter_problem(param.name)
        if problem:
            report.error(
                path,
                "name.parameter",
                f"invalid path parameter name: {problem}",
                ALLOWED_PARAMETER_NAME,
            )
            continue
        if param.name in declared_names[:j]:
            report.error(
                path,
                "dup.parameter",
                f"parameter {param.name!r} is declared twice",
                (f"a name other than {param.name}",),
            )
            continue
        key = snake(param.name)
        if key in snake_seen:
            report.error(
                path,
                "dup.parameter",
                f"parameters {snake_seen[key]!r} and {param.name!r} both become "
                f"the argument {key!r}",
                (f"a name other than {param.name}",),
            )
        else:
            snake_seen[key] = param.name
    if not path_ok:
        return
    in_path = path_parameters(op.path)
    for name in sorted({n for n in in_path if in_path.count(n) > 1}):
        report.error(
            [*base, "path"],
            "dup.path-parameter",
            f"{{{name}}} appears more than once in {op.path}",
            ("each path parameter once",),
        )
    for name in dict.fromkeys(in_path):
        if name not in declared_names:
            report.error(
                [*base, "path"],
                "param.undeclared",
                f"{{{name}}} in {op.path} is not declared in parameters",
                declared_names,
            )
    for j, param in enumerate(op.parameters):
        if param.name not in in_path:
            report.error(
                [*base, "parameters", j, "name"],
                "param.unused",
                f"parameter {param.name!r} does not appear in {op.path}",
                in_path,
            )


def _check_collisions(valid: list[tuple[int, Operation]], report: Report) -> None:
    by_shape: dict[tuple[str, tuple[str, ...]], tuple[int, Operation]] = {}
    by_length: dict[tuple[str, int], list[tuple[int, Operation]]] = {}
    for i, op in valid:
        key = (op.method, shape(op.path))
        first = by_shape.get(key)
        if first is not None:
            if first[1].path != op.path:  # the same endpoint is dup.endpoint
                report.error(
                    ["operations", i, "path"],
                    "path.ambiguous",
                    f"{op.endpoint} matches the same requests as "
                    f"{first[1].endpoint} (at $.operations[{first[0]}])",
                    (f"a path that differs from {first[1].path} in a literal segment",),
                )
            continue
        by_shape[key] = (i, op)
        group = by_length.setdefault((op.method, len(key[1])), [])
        for j, other in group:
            if _overlaps(shape(other.path), key[1]):
                report.warning(
                    ["operations", i, "path"],
                    "path.shadowed",
                    f"{op.endpoint} and {other.endpoint} (at $.operations[{j}]) "
                    "match some of the same requests (a literal segment against "
                    "a parameter); the route registered first wins",
                    (f"a path that differs from {other.path} in a literal segment",),
                )
        group.append((i, op))


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same length, no position with two different literals, shapes not equal."""
    return a != b and all(x == y or PLACEHOLDER in (x, y) for x, y in zip(a, b, strict=True))
