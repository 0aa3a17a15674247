"""Applying a :class:`~autobe_core.spec.changeset.ChangeSet` to a spec, purely.

``apply(spec, changeset)`` runs the edits in order, each against the spec the previous
ones left, and returns the new spec; the input is never mutated (specs are frozen and
every update builds new lists). The change is all or nothing:

1. *preconditions*: an edit that cannot apply (unknown model, field already there,
   removing a field an index uses, ...) is a diagnostic whose path points into the
   change (``$.edits[2].model``), with the candidates in ``allowed``. The edit is then
   skipped and the next ones still run, so one call reports every such problem (a
   later edit that needed the skipped one reports its own problem too).
2. *validation*: when every edit applied, :func:`validate` judges the result; its
   errors keep their paths into the resulting spec and their codes, and their
   messages start with ``after the change:``.

Any error raises :class:`DiagnosticError` (summary ``the change is invalid``); an
invalid spec is never returned. :func:`check` returns the same diagnostics instead.

Cross-cutting edits expand into concrete ones (:func:`expand`), and
:func:`invert` gives the exact inverse: ``apply(apply(s, c), invert(s, c)) == s``,
list order included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autobe_core.spec.changeset import (
    AddActor,
    AddField,
    AddIndex,
    AddModel,
    AddOperation,
    AddRelation,
    ChangeSet,
    ClearDtoOverride,
    ConcreteEdit,
    CrossCuttingEdit,
    Edit,
    EditModel,
    ModifyActor,
    ModifyField,
    ModifyModel,
    ModifyOperation,
    ModifyProject,
    RemoveActor,
    RemoveField,
    RemoveIndex,
    RemoveModel,
    RemoveOperation,
    RemoveRelation,
    RenameActor,
    RenameField,
    RenameModel,
    SetDtoOverride,
)
from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError, errors, format_path
from autobe_core.spec.edits.api import (
    add_actor,
    add_operation,
    modify_actor,
    modify_operation,
    remove_actor,
    remove_operation,
    rename_actor,
)
from autobe_core.spec.edits.expand import expand_edit
from autobe_core.spec.edits.fields import (
    add_field,
    modify_field,
    remove_field,
    remove_relation,
    rename_field,
)
from autobe_core.spec.edits.indexes import add_index, remove_index
from autobe_core.spec.edits.invert import inverse_edit
from autobe_core.spec.edits.models import (
    add_model,
    clear_dto_override,
    modify_model,
    remove_model,
    rename_model,
    set_dto_override,
)
from autobe_core.spec.edits.support import EditProblem, Problems, entry
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.validation.engine import validate

__all__ = [
    "AFTER_PREFIX",
    "APPLIERS",
    "Outcome",
    "Step",
    "apply",
    "apply_edit",
    "check",
    "creation",
    "expand",
    "invert",
    "run",
]

AFTER_PREFIX = "after the change: "
"""Starts the message of every validation error of the resulting spec."""

SUMMARY = "the change is invalid"


@dataclass(frozen=True)
class Step:
    """One concrete edit as it ran: which edit of the change it came from, and the spec
    it was applied to."""

    index: int
    edit: ConcreteEdit
    before: ProjectSpec


@dataclass
class Outcome:
    spec: ProjectSpec
    steps: list[Step] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


Applier = Callable[[ProjectSpec, Any, Problems], ProjectSpec]
"""Applies one kind of edit: the new spec, or EditProblem (paths under ``p.at``)."""


def _modify_project(spec: ProjectSpec, edit: ModifyProject, p: Problems) -> ProjectSpec:
    return spec.model_copy(update=edit.model_dump(exclude={"op"}, exclude_none=True))


APPLIERS: dict[type[EditModel], Applier] = dict(
    [
        entry(ModifyProject, _modify_project),
        entry(AddModel, add_model),
        entry(RemoveModel, remove_model),
        entry(RenameModel, rename_model),
        entry(ModifyModel, modify_model),
        entry(AddField, add_field),
        entry(RemoveField, remove_field),
        entry(RenameField, rename_field),
        entry(ModifyField, modify_field),
        entry(AddRelation, add_field),
        entry(RemoveRelation, remove_relation),
        entry(AddIndex, add_index),
        entry(RemoveIndex, remove_index),
        entry(AddOperation, add_operation),
        entry(RemoveOperation, remove_operation),
        entry(ModifyOperation, modify_operation),
        entry(SetDtoOverride, set_dto_override),
        entry(ClearDtoOverride, clear_dto_override),
        entry(AddActor, add_actor),
        entry(RemoveActor, remove_actor),
        entry(RenameActor, rename_actor),
        entry(ModifyActor, modify_actor),
    ]
)
"""Concrete edit class -> its applier (one entry per member of ``ConcreteEdit``)."""


def apply_edit(spec: ProjectSpec, edit: ConcreteEdit, p: Problems) -> ProjectSpec:
    """Apply one concrete edit, or raise EditProblem (paths under ``p.at``)."""
    return APPLIERS[type(edit)](spec, edit, p)


def _run_cross(
    spec: ProjectSpec, index: int, edit: CrossCuttingEdit
) -> tuple[ProjectSpec, list[Step]]:
    """Expand and apply a cross-cutting edit; a problem of one of its concrete edits is
    reported at the cross-cutting edit, naming the model."""
    at: list[str | int] = ["edits", index]
    steps: list[Step] = []
    for concrete in expand_edit(spec, edit, Problems(at)):
        try:
            new = apply_edit(spec, concrete, Problems(at))
        except EditProblem as problem:
            raise EditProblem(
                [
                    Diagnostic(
                        format_path(at),
                        d.code,
                        f"{edit.op} on model {concrete.model!r}: {d.message}",
                        d.allowed,
                    )
                    for d in problem.diagnostics
                ]
            ) from None
        steps.append(Step(index, concrete, spec))
        spec = new
    return spec, steps


def run(spec: ProjectSpec, changeset: ChangeSet) -> Outcome:
    """Apply every edit that can apply; collect the precondition problems of the others.
    No validation of the result."""
    outcome = Outcome(spec)
    for index, edit in enumerate(changeset.edits):
        current = outcome.spec
        try:
            if isinstance(edit, CrossCuttingEdit):
                new, steps = _run_cross(current, index, edit)
            else:
                new = apply_edit(current, edit, Problems(["edits", index]))
                steps = [Step(index, edit, current)]
        except EditProblem as problem:
            outcome.problems.extend(problem.diagnostics)
            continue
        outcome.spec = new
        outcome.steps.extend(steps)
    return outcome


def check(spec: ProjectSpec, changeset: ChangeSet) -> list[Diagnostic]:
    """The errors :func:`apply` would raise (empty: the change applies cleanly)."""
    outcome = run(spec, changeset)
    if outcome.problems:
        return outcome.problems
    return [after_the_change(d) for d in errors(validate(outcome.spec))]


def after_the_change(d: Diagnostic) -> Diagnostic:
    return Diagnostic(d.path, d.code, AFTER_PREFIX + d.message, d.allowed, d.severity)


def apply(spec: ProjectSpec, changeset: ChangeSet) -> ProjectSpec:
    """The spec after the change; DiagnosticError when an edit cannot apply or the
    result is invalid. ``spec`` is not modified."""
    outcome = run(spec, changeset)
    problems = outcome.problems or [after_the_change(d) for d in errors(validate(outcome.spec))]
    if problems:
        raise DiagnosticError(problems, SUMMARY)
    return outcome.spec


def _steps(spec: ProjectSpec, changeset: ChangeSet) -> list[Step]:
    outcome = run(spec, changeset)
    if outcome.problems:
        raise DiagnosticError(outcome.problems, SUMMARY)
    return outcome.steps


def expand(spec: ProjectSpec, changeset: ChangeSet) -> list[Edit]:
    """The concrete edits the change makes, cross-cutting ones expanded against the spec
    they meet: ``apply(spec, ChangeSet(edits=expand(spec, c))) == apply(spec, c)``.
    DiagnosticError when an edit cannot apply (the result is not validated)."""
    return [step.edit for step in _steps(spec, changeset)]


def invert(spec_before: ProjectSpec, changeset: ChangeSet) -> ChangeSet:
    """The change that undoes ``changeset`` applied to ``spec_before``, exactly:
    ``apply(apply(spec_before, changeset), invert(spec_before, changeset)) ==
    spec_before``. Concrete edits only (cross-cutting ones invert through their
    expansion), in reverse order. DiagnosticError when an edit cannot apply."""
    edits: list[Edit] = [
        inverse_edit(step.before, step.edit) for step in reversed(_steps(spec_before, changeset))
    ]
    summary = f"undo: {changeset.summary}" if changeset.summary else ""
    return ChangeSet(edits=edits, summary=summary)


def creation(spec: ProjectSpec) -> ChangeSet:
    """The change that turns the empty spec of ``spec.name`` into ``spec``.

    A new project is the empty spec plus its first change, so ``autobe init`` records
    this like any other change and replaying the history rebuilds the spec from edits
    alone: ``apply(ProjectSpec(name=spec.name), creation(spec)) == spec``.
    """
    if spec.schemas:
        raise ValueError("component schemas have no edit yet; creation() cannot carry them")
    edits: list[Edit] = []
    if spec.title or spec.description:
        edits.append(ModifyProject(title=spec.title or None, description=spec.description or None))
    edits += [AddModel(model=m) for m in spec.models]
    edits += [AddActor(actor=a) for a in spec.actors]
    edits += [AddOperation(operation=o) for o in spec.operations]
    return ChangeSet(edits=edits, summary=f"create project {spec.name}")
