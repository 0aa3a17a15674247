"""Semantic validation of a :class:`ProjectSpec`: every problem, as diagnostics.

The pydantic classes check shape; this checks meaning, so that the generators can trust
every name they emit and every reference they follow. :func:`validate` never raises on
a bad spec: it returns all problems, sorted by where they are in the file (the order
the keys are declared in, list items by index), each with a JSON path, a stable code,
a message and the allowed values.

Rule families and their code prefixes:

- ``name.*``: identifiers that reach generated code (:mod:`naming`'s grammar and
  reserved words); ``dup.*``: collisions, of spec names and of derived names (class
  names, DTO class names, operation ids, principals);
- ``ref.*``: references to models, fields, actors and types that do not exist;
- ``path.*`` / ``param.*``: operation paths, their parameters and bindings;
- ``operation.*``: what each operation kind needs; ``create.*``: required columns a
  create cannot fill;
- ``access.*``: ``Operation.access`` overrides and ambiguous owners;
- ``behaviour.*``: declared domain behaviour (``Model.behaviours``);
- ``role.*``: field roles (:mod:`autobe_core.spec.roles`);
- ``field.*``, ``index.*``, ``dto.*``, ``model.*``, ``actor.*``, ``schema.*``: the rest;
- ``text.*``: control characters and lone surrogates in free text (descriptions,
  summaries, titles) and in any string no other rule reported (runs last).

Warnings (severity ``warning``) do not stop generation: ``path.shadowed``,
``operation.method``, ``operation.body-type``, ``operation.auth-actor``,
``actor.identity-not-unique``, ``actor.guest-password``, ``access.ambiguous-owner``,
``role.unsourced``, ``field.auto-type``, ``dto.reserved-field``, ``schema.unknown-prisma-model``.
"""

from __future__ import annotations

from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError, errors
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.validation.access import check_access
from autobe_core.spec.validation.actors import check_actors
from autobe_core.spec.validation.behaviours import check_behaviours
from autobe_core.spec.validation.common import Report, Rule, sort_key
from autobe_core.spec.validation.implementations import check_implementations
from autobe_core.spec.validation.lifecycle import check_lifecycle
from autobe_core.spec.validation.models import (
    check_dtos,
    check_fields,
    check_indexes,
    check_relations,
)
from autobe_core.spec.validation.names import check_duplicates, check_names
from autobe_core.spec.validation.operations import check_operations
from autobe_core.spec.validation.paths import check_paths
from autobe_core.spec.validation.roles import check_roles
from autobe_core.spec.validation.schemas import check_schemas
from autobe_core.spec.validation.text import check_text
from autobe_core.spec.validation.values import check_values

RULES: tuple[Rule, ...] = (
    check_names,
    check_duplicates,
    check_fields,
    check_values,
    check_relations,
    check_indexes,
    check_dtos,
    check_actors,
    check_paths,
    check_operations,
    check_lifecycle,
    check_behaviours,
    check_implementations,
    check_access,
    check_roles,
    check_schemas,
    check_text,
)


def validate(spec: ProjectSpec) -> list[Diagnostic]:
    """Every problem of ``spec`` (errors and warnings), in a deterministic order."""
    report = Report()
    for rule in RULES:
        try:
            rule(spec, report)
        except Exception as exc:  # a bug in a rule must not hide the other problems
            report.error(
                [], "internal.rule-failed", f"validation rule {rule.__name__} failed: {exc!r}"
            )
    ordered = sorted(enumerate(report.entries), key=lambda e: (sort_key(e[1][0]), e[0]))
    seen: set[Diagnostic] = set()
    result: list[Diagnostic] = []
    for _, (_, diagnostic) in ordered:
        if diagnostic not in seen:
            seen.add(diagnostic)
            result.append(diagnostic)
    return result


def ensure_valid(spec: ProjectSpec) -> ProjectSpec:
    """``spec`` itself when it has no errors (warnings allowed), else DiagnosticError
    holding the errors."""
    found = errors(validate(spec))
    if found:
        raise DiagnosticError(found, "the specification is invalid")
    return spec
