"""Shared pieces of :mod:`autobe_core.spec.edits.engine`: precondition problems, lookups that
report them, list updates that never mutate their input, and the rows of the dispatch
tables (edit class -> handler).

A handler checks its edit's preconditions against the spec it gets and raises
:class:`EditProblem` with diagnostics whose paths point into the change
(``$.edits[2].model``); otherwise it returns a new spec, sharing every part it did not
change with the old one (the spec is frozen, so sharing is safe).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from autobe_core.errors import AutobeError
from autobe_core.spec.changeset import EditModel
from autobe_core.spec.diagnostics import Diagnostic, format_path
from autobe_core.spec.model import Actor, Model, Operation, ProjectSpec
from autobe_core.spec.validation.common import Path, names_other_than

T = TypeVar("T")
R = TypeVar("R")
EditT = TypeVar("EditT", bound=EditModel)


class EditProblem(AutobeError):
    """An edit cannot apply to the spec it meets; the diagnostics say why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


class Problems:
    """Collects the precondition problems of one edit at ``at`` (its JSON path parts)."""

    def __init__(self, at: Path) -> None:
        self.at = at
        self.found: list[Diagnostic] = []

    def add(
        self, sub: Sequence[str | int], code: str, message: str, allowed: Iterable[str] = ()
    ) -> None:
        path = format_path([*self.at, *sub])
        self.found.append(Diagnostic(path, code, message, tuple(allowed)))

    def fail(
        self, sub: Sequence[str | int], code: str, message: str, allowed: Iterable[str] = ()
    ) -> EditProblem:
        """The problem as an exception, with anything collected before it."""
        self.add(sub, code, message, allowed)
        return EditProblem(self.found)

    def check(self) -> None:
        if self.found:
            raise EditProblem(self.found)


# --------------------------------------------------------------------------- lists


def inserted(items: Sequence[T], item: T, position: int | None) -> list[T]:
    out = list(items)
    out.insert(len(out) if position is None else position, item)
    return out


def replaced(items: Sequence[T], index: int, item: T) -> list[T]:
    out = list(items)
    out[index] = item
    return out


def removed(items: Sequence[T], index: int) -> list[T]:
    return [x for k, x in enumerate(items) if k != index]


def check_position(problems: Problems, position: int | None, size: int, what: str) -> None:
    if position is not None and position > size:
        problems.add(
            ["position"],
            "change.position",
            f"position {position} is past the end of {what} ({size} item(s))",
            (f"0..{size}", "absent: at the end"),
        )


# --------------------------------------------------------------------------- lookups


def find_model(spec: ProjectSpec, name: str, problems: Problems, key: str = "model") -> int:
    """Index of the model called ``name`` or EditProblem (allowed: the model names)."""
    for i, m in enumerate(spec.models):
        if m.name == name:
            return i
    raise problems.fail(
        [key], "ref.unknown-model", f"unknown model {name!r}", [m.name for m in spec.models]
    )


def find_actor(spec: ProjectSpec, name: str, problems: Problems, key: str = "actor") -> int:
    for i, a in enumerate(spec.actors):
        if a.name == name:
            return i
    raise problems.fail(
        [key], "ref.unknown-actor", f"unknown actor {name!r}", [a.name for a in spec.actors]
    )


def find_operation(spec: ProjectSpec, method: str, path: str, problems: Problems) -> int:
    for i, op in enumerate(spec.operations):
        if op.method == method and op.path == path:
            return i
    same_path = [op.endpoint for op in spec.operations if op.path == path]
    key = "method" if same_path else "path"
    raise problems.fail(
        [key],
        "ref.unknown-operation",
        f"no operation {method.upper()} {path}",
        same_path or [op.endpoint for op in spec.operations],
    )


def taken_attribute_names(model: Model) -> list[str]:
    """Field and relation names: one namespace in the generated ORM class."""
    return model.field_names() + [f.relation.name for f in model.foreign_fields]


def new_name_taken(
    problems: Problems, name: str, taken: Sequence[str], code: str, what: str
) -> None:
    if name in taken:
        problems.add(["newName"], code, f"{what} {name!r} already exists", names_other_than(taken))


def with_models(spec: ProjectSpec, models: list[Model]) -> ProjectSpec:
    return spec.model_copy(update={"models": models})


def with_operations(spec: ProjectSpec, operations: list[Operation]) -> ProjectSpec:
    return spec.model_copy(update={"operations": operations})


def with_actors(spec: ProjectSpec, actors: list[Actor]) -> ProjectSpec:
    return spec.model_copy(update={"actors": actors})


# --------------------------------------------------------------------------- dispatch


def entry(
    cls: type[EditT], handler: Callable[[ProjectSpec, EditT, Problems], R]
) -> tuple[type[EditModel], Callable[[ProjectSpec, Any, Problems], R]]:
    """One row of a dispatch table (edit class -> handler): the type checker sees that
    ``handler`` takes ``cls``; the table then looks handlers up by ``type(edit)``."""
    return cls, handler
