"""prisma.json -> the spec's models: namespaces, stance, fields, relations, indexes.

The database AST maps one to one onto :class:`autobe_core.spec.model.Model` (the spec
was modelled on it); what needs care is what AutoBe allows and the generated code cannot
take: reserved names (renamed, see :mod:`autobe_core.importer.names`), a soft-delete
column that is not nullable, indexes that repeat or that cannot be built, ``double``
columns that hold money (``decimal``, see :mod:`autobe_core.importer.money`).
Descriptions are kept; they become the generated classes' docstrings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autobe_core.importer.ast import PrismaApplication, PrismaModel
from autobe_core.importer.money import PRECISION, SCALE, money_verdict
from autobe_core.importer.names import field_name, model_name, relation_name, why
from autobe_core.importer.report import MoneyField, Notes
from autobe_core.importer.source import PRISMA_FILE, where
from autobe_core.spec.diagnostics import PathPart
from autobe_core.spec.model import (
    ForeignField,
    GinIndex,
    Model,
    PlainField,
    PlainIndex,
    PrimaryField,
    Relation,
    UniqueIndex,
)
from autobe_core.spec.naming import (
    field_problem,
    model_name_problem,
    printable_problem,
    relation_problem,
)

STRINGY = ("string", "uri")


@dataclass
class ModelMap:
    """The mapped models and how AutoBe's names translate into the spec's."""

    models: list[Model] = field(default_factory=list)
    model_names: dict[str, str] = field(default_factory=dict)
    """AutoBe model name -> spec model name."""
    field_names: dict[str, dict[str, str]] = field(default_factory=dict)
    """spec model name -> AutoBe field name -> spec field name."""
    paths: dict[str, list[PathPart]] = field(default_factory=dict)
    """spec model name -> its JSON path in prisma.json."""

    def model(self, name: str) -> Model | None:
        return next((m for m in self.models if m.name == name), None)

    def replace(self, updated: Model) -> None:
        self.models = [updated if m.name == updated.name else m for m in self.models]

    def spec_field(self, model: str, autobe_field: str) -> str | None:
        """The spec name of an AutoBe field of the (spec) model, or None."""
        return self.field_names.get(model, {}).get(autobe_field)

    def source(self, model: str, *parts: PathPart) -> str:
        return where(PRISMA_FILE, [*self.paths.get(model, []), *parts])


def map_models(app: PrismaApplication, notes: Notes) -> ModelMap:
    result = ModelMap()
    taken: set[str] = set()
    for i, file in enumerate(app.files):
        for j, pm in enumerate(file.models):
            path: list[PathPart] = ["files", i, "models", j]
            name = model_name(pm.name, taken)
            taken.add(name)
            if name != pm.name:
                notes.renamed(
                    where(PRISMA_FILE, [*path, "name"]), f"model {pm.name}",
                    f"renamed to {name!r}: {why(model_name_problem(pm.name))}",
                )
            result.model_names[pm.name] = name
            result.paths[name] = path
    for i, file in enumerate(app.files):
        namespace = file.namespace
        if printable_problem(namespace):
            notes.approximated(
                where(PRISMA_FILE, ["files", i, "namespace"]), f"namespace {namespace!r}",
                f"not usable as a label ({printable_problem(namespace)}); models go to 'Default'",
            )
            namespace = "Default"
        for j, pm in enumerate(file.models):
            result.models.append(
                _map_model(pm, namespace, ["files", i, "models", j], result, notes)
            )
    return result


def _map_model(
    pm: PrismaModel, namespace: str, path: list[PathPart], result: ModelMap, notes: Notes
) -> Model:
    name = result.model_names[pm.name]
    renames: dict[str, str] = {}
    result.field_names[name] = renames
    taken: set[str] = set()

    def rename(autobe: str, loc: list[PathPart], what: str) -> str:
        new = field_name(autobe, taken)
        taken.add(new)
        renames[autobe] = new
        if new != autobe:
            notes.renamed(
                where(PRISMA_FILE, [*path, *loc, "name"]), f"{what} {pm.name}.{autobe}",
                f"renamed to {new!r}: {why(field_problem(autobe))}; the column and the "
                "DTO property carry the new name",
            )
        return new

    primary = PrimaryField(
        name=rename(pm.primary_field.name, ["primaryField"], "primary key"),
        description=pm.primary_field.description,
    )
    foreign_names = [
        rename(f.name, ["foreignFields", k], "foreign field")
        for k, f in enumerate(pm.foreign_fields)
    ]
    plain: list[PlainField] = []
    for k, p in enumerate(pm.plain_fields):
        new = rename(p.name, ["plainFields", k], "field")
        nullable = p.nullable
        if new == "deleted_at" and p.type == "datetime" and not nullable:
            nullable = True
            notes.approximated(
                where(PRISMA_FILE, [*path, "plainFields", k, "nullable"]),
                f"field {pm.name}.{p.name}",
                "made nullable: deleted_at marks soft deletion, so live rows have none",
            )
        mapped = PlainField(name=new, type=p.type, nullable=nullable, description=p.description)
        if p.type == "double":
            mapped = _money(mapped, p.name, where(PRISMA_FILE, [*path, "plainFields", k]),
                            f"{name}.{new}", notes)
        plain.append(mapped)
    foreign: list[ForeignField] = []
    for k, f in enumerate(pm.foreign_fields):
        loc: list[PathPart] = [*path, "foreignFields", k, "relation"]
        rel = relation_name(f.relation.name, taken)
        taken.add(rel)
        if rel != f.relation.name:
            notes.renamed(
                where(PRISMA_FILE, [*loc, "name"]), f"relation {pm.name}.{f.relation.name}",
                f"renamed to {rel!r}: {why(relation_problem(f.relation.name))}; it is the "
                "ORM navigation attribute only",
            )
        if f.relation.mapping_name:
            notes.dropped(
                where(PRISMA_FILE, [*loc, "mappingName"]), f"relation {pm.name}.{f.relation.name}",
                f"Prisma relation name {f.relation.mapping_name!r} dropped: the generated ORM "
                "names each relation by its foreign key, so none is needed",
            )
        if f.relation.opposite_name:
            notes.dropped(
                where(PRISMA_FILE, [*loc, "oppositeName"]),
                f"relation {pm.name}.{f.relation.name}",
                f"opposite name {f.relation.opposite_name!r} dropped: the generated ORM maps "
                "the many-to-one side only",
            )
        foreign.append(ForeignField(
            name=foreign_names[k],
            relation=Relation(name=rel, target_model=result.model_names[f.relation.target_model]),
            unique=f.unique,
            nullable=f.nullable,
            description=f.description,
        ))
    model = Model(
        name=name,
        namespace=namespace,
        description=pm.description,
        stance=pm.stance,
        material=pm.material,
        primary_field=primary,
        foreign_fields=foreign,
        plain_fields=plain,
    )
    return _indexes(model, pm, path, renames, notes)


def _money(f: PlainField, autobe: str, source: str, subject: str, notes: Notes) -> PlainField:
    """A ``double`` field as ``decimal`` when its (AutoBe) name says money; reported
    either way when the name has a money word."""
    verdict = money_verdict(autobe)
    if verdict is None:
        return f
    if not verdict.money:
        notes.money.append(MoneyField(subject, source, "double", verdict.reason()))
        return f
    notes.money.append(
        MoneyField(subject, source, f"decimal({PRECISION}, {SCALE})", verdict.reason())
    )
    return f.model_copy(update={"type": "decimal", "precision": PRECISION, "scale": SCALE})


def _indexes(
    model: Model, pm: PrismaModel, path: list[PathPart], renames: dict[str, str], notes: Notes
) -> Model:
    unique: list[UniqueIndex] = []
    plain: list[PlainIndex] = []
    gin: list[GinIndex] = []
    seen_unique: set[tuple[str, ...]] = set()
    seen_plain: set[tuple[str, ...]] = set()
    for k, ix in enumerate(pm.unique_indexes):
        names = tuple(renames[n] for n in ix.field_names)
        loc = where(PRISMA_FILE, [*path, "uniqueIndexes", k])
        subject = f"unique index {pm.name}({', '.join(ix.field_names)})"
        if not ix.unique:
            notes.warning(loc, subject, "declared with unique: false; imported as unique, "
                          "as uniqueIndexes are")
        if _index_problem(names, seen_unique, notes, loc, subject):
            continue
        flags = [n for n in names if (f := model.plain(n)) is not None and f.type == "boolean"]
        if flags:
            # (customer_id, is_default) means "one default address per customer": a
            # partial index Prisma cannot state; as written it allows two rows in all
            notes.approximated(
                loc, subject,
                f"unique over boolean column {flags[0]!r} would allow at most two rows per "
                "value of the other columns (AutoBe means one row with the flag set, a "
                "partial index); imported as a plain index",
            )
            if names not in seen_plain:
                seen_plain.add(names)
                plain.append(PlainIndex(field_names=list(names)))
            continue
        seen_unique.add(names)
        unique.append(UniqueIndex(field_names=list(names)))
    for k, px in enumerate(pm.plain_indexes):
        names = tuple(renames[n] for n in px.field_names)
        loc = where(PRISMA_FILE, [*path, "plainIndexes", k])
        subject = f"index {pm.name}({', '.join(px.field_names)})"
        if _index_problem(names, seen_plain, notes, loc, subject):
            continue
        seen_plain.add(names)
        plain.append(PlainIndex(field_names=list(names)))
    seen_gin: set[str] = set()
    for k, gx in enumerate(pm.gin_indexes):
        name = renames[gx.field_name]
        loc = where(PRISMA_FILE, [*path, "ginIndexes", k])
        subject = f"gin index {pm.name}({gx.field_name})"
        field = model.plain(name)
        if field is None or field.type not in STRINGY:
            notes.dropped(loc, subject, "a gin (trigram) index needs a string field")
            continue
        if name in seen_gin:
            notes.dropped(loc, subject, "declared twice; kept once")
            continue
        seen_gin.add(name)
        gin.append(GinIndex(field_name=name))
    return model.model_copy(
        update={"unique_indexes": unique, "plain_indexes": plain, "gin_indexes": gin}
    )


def _index_problem(
    names: tuple[str, ...], seen: set[tuple[str, ...]], notes: Notes, loc: str, subject: str
) -> bool:
    if not names:
        notes.dropped(loc, subject, "names no fields")
        return True
    if len(set(names)) != len(names):
        notes.dropped(loc, subject, "names a field twice")
        return True
    if names in seen:
        notes.dropped(loc, subject, "declared twice; kept once")
        return True
    return False
