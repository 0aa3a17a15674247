"""Settle the mapped spec against the validator: approximate what cannot be generated.

The mappers import what the data says; a few constructs are valid AutoBe and still
cannot be generated faithfully (a create that cannot fill a column another operation
fills from its path, rows whose required foreign keys form a cycle, two routes that
match the same requests). :func:`settle` validates, approximates each such problem in the
least invasive way, reports it, and validates again until the spec is valid:

- an operation the validator rejects becomes ``custom`` (unrealized, with the
  validator's message as the reason); a custom one still rejected, or two routes that
  collide, is dropped;
- a cycle of required foreign keys is broken by making one of them nullable;
- a model whose derived class names collide with another's gets its own ``dtoName``;
- free text (descriptions, summaries, titles) holding control characters is cleaned
  first (:func:`clean_text`): line breaks normalised, the rest written as escapes.

Anything else is an importer limitation: :class:`DiagnosticError` with the validator's
diagnostics, and nothing is created.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autobe_core.importer.report import Notes
from autobe_core.spec import validate
from autobe_core.spec.diagnostics import (
    Diagnostic,
    DiagnosticError,
    PathPart,
    errors,
    format_path,
)
from autobe_core.spec.model import Body, Operation, ProjectSpec
from autobe_core.spec.naming import known_type_names, pascal
from autobe_core.spec.text import cleaned, text_problem

MAX_ROUNDS = 40
FREE_TEXT = frozenset({"description", "summary", "specification", "title"})
DROP_CODES = frozenset({"path.ambiguous", "dup.endpoint", "dup.operation-id"})
OPERATION = re.compile(r"^\$\.operations\[(\d+)\]")
FOREIGN = re.compile(r"^\$\.models\[(\d+)\]\.foreignFields\[(\d+)\]")
MODEL = re.compile(r"^\$\.models\[(\d+)\]")


@dataclass
class Settled:
    spec: ProjectSpec
    sources: list[str]
    reasons: dict[int, str] = field(default_factory=dict)
    notes: Notes = field(default_factory=Notes)


def to_custom(spec: ProjectSpec, op: Operation) -> Operation:
    """The operation as a 501 handler: no bindings, only bodies the spec knows."""
    known = known_type_names(spec)

    def keep(body: Body | None) -> Body | None:
        return body if body is not None and body.type_name in known else None

    return op.model_copy(update={
        "kind": "custom",
        "authorization_type": None,
        "parameters": [p.model_copy(update={"binds": None}) for p in op.parameters],
        "request_body": keep(op.request_body),
        "response_body": keep(op.response_body),
    })


def settle(
    spec: ProjectSpec,
    sources: list[str],
    reasons: dict[int, str],
    notes: Notes,
    finish: Callable[[ProjectSpec, Notes], ProjectSpec],
    model_sources: dict[str, str],
) -> Settled:
    """``finish(spec, notes)`` completes a spec (DTO overrides) and is re-run each round,
    since what it derives depends on the operations that remain realized."""
    sources = list(sources)
    reasons = dict(reasons)
    spec = clean_text(spec, notes)
    for _ in range(MAX_ROUNDS):
        round_notes = Notes()
        complete = finish(spec, round_notes)
        found = errors(validate(complete))
        if not found:
            for note in round_notes.items:
                notes.add(note.kind, note.source, note.subject, note.message)
            return Settled(complete, sources, reasons, notes)
        spec, sources, reasons, changed = _fix(spec, found, sources, reasons, notes,
                                               model_sources)
        if not changed:
            break
    raise DiagnosticError(
        found, "the imported specification is invalid (a construct the importer cannot map)"
    )


def clean_text(spec: ProjectSpec, notes: Notes) -> ProjectSpec:
    """``spec`` with every description, summary, specification and title the validator
    would refuse for control characters cleaned (:func:`~autobe_core.spec.text.cleaned`),
    each reported."""
    data = spec.model_dump(mode="json", by_alias=True)
    changed = False
    stack: list[tuple[Any, list[PathPart]]] = [(data, [])]
    while stack:
        node, where = stack.pop()
        items = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, value in items:
            if isinstance(value, dict | list):
                stack.append((value, [*where, key]))
            elif isinstance(value, str) and key in FREE_TEXT:
                prose = key != "title"
                if text_problem(value, prose=prose) is not None:
                    node[key] = cleaned(value, prose=prose)
                    changed = True
                    notes.approximated(
                        "", format_path([*where, key]),
                        "control characters in the text: line breaks normalised, the rest "
                        "written as escapes",
                    )
    return ProjectSpec.model_validate(data) if changed else spec


def _fix(
    spec: ProjectSpec,
    found: list[Diagnostic],
    sources: list[str],
    reasons: dict[int, str],
    notes: Notes,
    model_sources: dict[str, str],
) -> tuple[ProjectSpec, list[str], dict[int, str], bool]:
    operations = list(spec.operations)
    models = list(spec.models)
    drop: dict[int, str] = {}
    changed = False
    cycles_fixed = False
    for d in found:
        if (m := OPERATION.match(d.path)) is not None:
            i = int(m[1])
            op = operations[i]
            if d.code in DROP_CODES or op.kind == "custom":
                drop.setdefault(i, d.message)
            elif i not in reasons:
                reasons[i] = d.message
                operations[i] = to_custom(spec, op)
                changed = True
        elif d.code == "model.required-cycle" and not cycles_fixed and (
            f := FOREIGN.match(d.path)
        ) is not None:
            i, j = int(f[1]), int(f[2])
            model = models[i]
            fk = model.foreign_fields[j]
            fields = list(model.foreign_fields)
            fields[j] = fk.model_copy(update={"nullable": True})
            models[i] = model.model_copy(update={"foreign_fields": fields})
            notes.approximated(
                model_sources.get(model.name, ""), f"foreign field {model.name}.{fk.name}",
                f"made nullable: {d.message}",
            )
            cycles_fixed = changed = True
        elif d.code == "dup.class-name" and (mm := MODEL.match(d.path)) is not None:
            i = int(mm[1])
            model = models[i]
            name = f"{pascal(model.name)}Row"
            models[i] = model.model_copy(update={"dto_name": name})
            notes.approximated(
                model_sources.get(model.name, ""), f"model {model.name}",
                f"its DTOs are named I{name}: {d.message}",
            )
            changed = True
    for i, message in sorted(drop.items()):
        notes.dropped(sources[i], operations[i].endpoint, f"not importable: {message}")
        changed = True
    if drop:
        keep = [i for i in range(len(operations)) if i not in drop]
        reasons = {keep.index(i): r for i, r in reasons.items() if i in keep}
        operations = [operations[i] for i in keep]
        sources = [sources[i] for i in keep]
    spec = spec.model_copy(update={"operations": operations, "models": models})
    return spec, sources, reasons, changed
