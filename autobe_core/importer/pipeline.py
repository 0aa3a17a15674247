"""The import, end to end: source files -> a valid spec and its report.

read (shape + references, diagnostics) -> models -> DTO type links -> field constraints
-> actors -> operations (or derived CRUD without document.json) -> field roles from the
create DTOs -> declared behaviour (:mod:`.behaviours`) -> settle against the validator
(DTO overrides, approximations) -> report.
Pure: nothing is written; the service records the result as a project's revision 1.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autobe_core.importer.actors import ActorMap, map_actors
from autobe_core.importer.behaviours import map_behaviours
from autobe_core.importer.crud import derive_operations
from autobe_core.importer.dtos import apply_constraints, apply_overrides
from autobe_core.importer.links import TypeLinks, link_types, set_dto_names
from autobe_core.importer.models import ModelMap, map_models
from autobe_core.importer.operations import OperationMap, map_operations
from autobe_core.importer.report import (
    DtoFigures,
    ImportReport,
    Notes,
    RoleChoice,
    UnrealizedOperation,
)
from autobe_core.importer.roles import map_roles
from autobe_core.importer.schemas import BUILT_IN, parse_type_name
from autobe_core.importer.settle import settle
from autobe_core.importer.source import AUTOBE_DIR, AutobeSource, locate, read_source
from autobe_core.spec import realization_counts
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.naming import AUTH_DTO_KINDS, dto_type_names, project_name_problem, snake

DEFAULT_NAME = "imported"


@dataclass(frozen=True)
class Imported:
    spec: ProjectSpec
    report: ImportReport


def project_name(source: AutobeSource, wanted: str | None = None) -> str:
    """``wanted``, else the AutoBe project folder's name, made a valid project name."""
    if wanted:
        return wanted
    folder = source.files.prisma.parent
    if folder.name == AUTOBE_DIR:
        folder = folder.parent
    name = re.sub(r"_+", "_", snake(folder.name)).strip("_")
    if not name or not name[0].isalpha():
        name = f"p_{name}" if name else DEFAULT_NAME
    if project_name_problem(name) is not None:
        name = f"{name}_project"
    return name if project_name_problem(name) is None else DEFAULT_NAME


def import_autobe(paths: Sequence[Path], name: str | None = None) -> Imported:
    """Read an AutoBe project (folder or files) and map it onto a valid spec."""
    source = read_source(locate(paths))
    return map_source(source, name)


def map_source(source: AutobeSource, name: str | None = None) -> Imported:
    notes = Notes()
    models = map_models(source.prisma, notes)
    doc = source.document
    links = TypeLinks()
    actors = ActorMap()
    constraints = 0
    if doc is not None:
        links = link_types(doc, models, notes)
        set_dto_names(links, models, notes)
        constraints = apply_constraints(links, models, notes)
        actors = map_actors(doc, links, models, notes)
        ops = map_operations(doc, links, models, actors, notes)
    else:
        ops = OperationMap(derive_operations(models, notes))
        ops.sources = ["" for _ in ops.operations]
    spec_name = project_name(source, name)
    spec = ProjectSpec(
        name=spec_name,
        title=f"{spec_name} (imported from AutoBe)",
        description=f"Imported from the AutoBe project {source.files.label}.",
        actors=actors.actors,
        models=models.models,
        operations=ops.operations,
    )
    choices: list[RoleChoice] = []
    if doc is not None:
        spec, choices = map_roles(spec, links, models, notes)
        spec = map_behaviours(spec, notes, {m: models.source(m) for m in models.paths})
    overrides = [0]

    def finish(current: ProjectSpec, round_notes: Notes) -> ProjectSpec:
        if doc is None:
            return current
        scratch = ModelMap(list(current.models), models.model_names, models.field_names,
                           models.paths)
        overrides[0] = apply_overrides(current, links, scratch, round_notes)
        return current.model_copy(update={"models": scratch.models})

    model_sources = {m: models.source(m) for m in models.paths}
    settled = settle(spec, ops.sources, ops.reasons, notes, finish, model_sources)
    report = _report(source, settled.spec, settled.sources, settled.reasons, links,
                     constraints, overrides[0], notes)
    report.roles = choices
    return Imported(settled.spec, report)


def _report(
    source: AutobeSource,
    spec: ProjectSpec,
    sources: list[str],
    reasons: dict[int, str],
    links: TypeLinks,
    constraints: int,
    overrides: int,
    notes: Notes,
) -> ImportReport:
    doc = source.document
    report = ImportReport(
        source=source.files.label,
        prisma=str(source.files.prisma),
        document=str(source.files.document) if source.files.document else None,
        project=spec.name,
        models=len(spec.models),
        namespaces=spec.namespaces(),
        fields=sum(len(m.field_names()) for m in spec.models),
        relations=sum(len(m.foreign_fields) for m in spec.models),
        indexes=sum(
            len(m.unique_indexes) + len(m.plain_indexes) + len(m.gin_indexes)
            for m in spec.models
        ),
        actors=[{"name": a.name, "kind": a.kind, "model": a.model} for a in spec.actors],
        source_operations=len(doc.operations) if doc else 0,
        operations_by_kind=dict(Counter(op.kind for op in spec.operations)),
        realized_by=realization_counts(spec),
        derived_operations=doc is None,
    )
    for i, op in enumerate(spec.operations):
        if op.kind == "custom":
            reason = reasons.get(i, "imported as custom")
            report.unrealized.append(
                UnrealizedOperation(op.endpoint, op.name, reason, sources[i])
            )
            notes.add("unrealized", sources[i], op.endpoint, reason)
    if doc is not None:
        report.dtos = _dto_figures(spec, links, constraints, overrides)
    report.notes = list(notes.items)
    report.money = list(notes.money)
    return report


def _dto_figures(
    spec: ProjectSpec, links: TypeLinks, constraints: int, overrides: int
) -> DtoFigures:
    derived: set[str] = set()
    actor_models = {a.model for a in spec.actors}
    for model in spec.models:
        for kind, type_name in dto_type_names(model).items():
            if kind in AUTH_DTO_KINDS and model.name not in actor_models:
                continue
            derived.add(type_name)
    mapped = [n for n in links.schemas if n in derived]
    unmapped = [
        n for n in links.schemas
        if n not in derived and n not in BUILT_IN and parse_type_name(n) is not None
    ]
    unmapped += [n for n in links.schemas if parse_type_name(n) is None and n not in BUILT_IN]
    return DtoFigures(
        schemas=len(links.schemas),
        mapped=len(mapped),
        constraints=constraints,
        overrides=overrides,
        unmapped=sorted(set(unmapped)),
    )
