"""Which AutoBe DTO type names stand for which model.

AutoBe names the DTOs of a table after it (``shopping_mall_orders`` ->
``IShoppingMallOrder``, ``IShoppingMallOrder.ICreate``, ``IPageIShoppingMallOrder.ISummary``)
and links most schemas to their table with ``x-autobe-prisma-schema``. A *base*
(``IShoppingMallOrder``) belongs to the model most of its standard schemas (the base itself,
``.ISummary``, ``.ICreate``, ``.IUpdate``, ``.IRequest``, ``.IJoin``...) link to; a base
with no links belongs to the model whose derived name it is. Each model keeps one base:
its ``dtoName`` is set when that base is not the name the spec would derive, so the
generated DTO classes carry AutoBe's type names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from autobe_core.importer.ast import DocDocument
from autobe_core.importer.models import ModelMap
from autobe_core.importer.report import Notes
from autobe_core.importer.schemas import (
    STANDARD_SUFFIXES,
    SchemaInfo,
    parse_type_name,
    read_schema,
)
from autobe_core.importer.source import DOCUMENT_FILE, where
from autobe_core.spec.naming import class_name_problem, dto_base, pascal


@dataclass
class TypeLinks:
    schemas: dict[str, SchemaInfo] = field(default_factory=dict)
    base_model: dict[str, str] = field(default_factory=dict)
    """AutoBe base type name -> spec model (only each model's chosen base)."""
    model_base: dict[str, str] = field(default_factory=dict)
    """spec model -> its AutoBe base type name."""
    schema_model: dict[str, str] = field(default_factory=dict)
    """schema name -> spec model its x-autobe-prisma-schema names."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Other AutoBe bases of a model (``IFooBars`` beside ``IFooBar``) -> spec model."""

    def resolve(self, type_name: str) -> tuple[str, str] | None:
        """(spec model, derived DTO kind) of a type name the spec derives (under this
        name, or under the model's own base when ``type_name`` uses an alias), else None."""
        parsed = parse_type_name(type_name)
        if parsed is None or parsed.kind is None:
            return None
        model = self.base_model.get(parsed.base) or self.aliases.get(parsed.base)
        return (model, parsed.kind) if model is not None else None

    def canonical(self, type_name: str) -> str:
        """``type_name`` with an alias base replaced by the model's own base."""
        parsed = parse_type_name(type_name)
        if parsed is None or parsed.base not in self.aliases:
            return type_name
        base = self.model_base[self.aliases[parsed.base]]
        text = f"IPage{base}" if parsed.page else base
        return f"{text}.{parsed.suffix}" if parsed.suffix else text

    def model_hint(self, type_name: str) -> str | None:
        """The model a type name is about, even when the spec cannot derive the type."""
        if type_name in self.schema_model:
            return self.schema_model[type_name]
        parsed = parse_type_name(type_name)
        if parsed is None:
            return None
        return self.base_model.get(parsed.base)

    def schema(self, model: str, suffix: str) -> SchemaInfo | None:
        base = self.model_base.get(model)
        if base is None:
            return None
        return self.schemas.get(f"{base}.{suffix}" if suffix else base)


def link_types(doc: DocDocument, models: ModelMap, notes: Notes) -> TypeLinks:
    links = TypeLinks()
    votes: dict[str, Counter[str]] = {}
    counts: Counter[str] = Counter()
    for name, data in doc.components.schemas.items():
        info = read_schema(name, data)
        links.schemas[name] = info
        parsed = parse_type_name(name)
        if parsed is not None:
            counts[parsed.base] += 1
        if info.link is not None:
            model = models.model_names.get(info.link)
            if model is None:
                notes.warning(
                    where(DOCUMENT_FILE, ["components", "schemas", name, info.link_key or ""]),
                    f"schema {name}",
                    f"links table {info.link!r}, which prisma.json does not declare; the "
                    "link is ignored",
                )
                continue
            links.schema_model[name] = model
            if parsed is not None and not parsed.page and parsed.suffix in STANDARD_SUFFIXES:
                votes.setdefault(parsed.base, Counter())[model] += 1
    derived: dict[str, str] = {}
    for m in models.models:
        plain = m.model_copy(update={"dto_name": None})
        derived.setdefault(f"I{dto_base(plain)}", m.name)
        derived.setdefault(f"I{pascal(m.name)}", m.name)
    candidates: dict[str, list[str]] = {}
    for base in counts:
        if base in votes:
            owner = sorted(votes[base].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        elif base in derived:
            owner = derived[base]
        else:
            continue
        candidates.setdefault(owner, []).append(base)
    for model_name, bases in candidates.items():
        found = models.model(model_name)
        assert found is not None
        wanted = f"I{dto_base(found)}"
        chosen = sorted(bases, key=lambda b: (-counts[b], b != wanted, b))[0]
        links.model_base[model_name] = chosen
        links.base_model[chosen] = model_name
        for other in bases:
            if other != chosen:
                links.aliases[other] = model_name
                notes.approximated(
                    where(DOCUMENT_FILE, ["components", "schemas", other]),
                    f"type {other}",
                    f"also stands for model {model_name}, whose DTOs are named after "
                    f"{chosen}: operations using {other}.* use the {chosen}.* DTOs",
                )
    return links


def set_dto_names(links: TypeLinks, models: ModelMap, notes: Notes) -> None:
    """Name each linked model's DTOs as AutoBe did (``dtoName``) when the derived
    name differs."""
    for model_name, base in links.model_base.items():
        model = models.model(model_name)
        assert model is not None
        if f"I{dto_base(model)}" == base:
            continue
        problem = class_name_problem(base[1:])
        if problem is not None:
            notes.approximated(
                where(DOCUMENT_FILE, ["components", "schemas", base]),
                f"type {base}",
                f"cannot name the DTOs of {model_name} after it ({problem}); they keep "
                f"the derived name I{dto_base(model)}",
            )
            links.base_model.pop(base)
            links.aliases[base] = model_name
            links.base_model[f"I{dto_base(model)}"] = model_name
            links.model_base[model_name] = f"I{dto_base(model)}"
            continue
        models.replace(model.model_copy(update={"dto_name": base[1:]}))
