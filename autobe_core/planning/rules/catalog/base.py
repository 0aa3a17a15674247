"""What a catalog feature is: a named recipe that turns the project's conventions into
models, fields, indexes and operations (:class:`Parts`).

A recipe only *adds* elements, so that removing what it added restores the spec
exactly. The engine (:mod:`.engine`) compares the parts with the spec: parts already
there are left alone (a feature the project partly has is completed, not duplicated),
and on removal the parts that are *the recipe's own* (equal to what the recipe makes:
same model description, same field definition, same operation) are removed with
everything that depends on them.

A database with rows must take every recipe: a field put on a model that exists already
is nullable or has a default (a counter 0, a flag false, a status its first value, a
timestamp ``now``), never required without one (the migration check refuses that, see
:func:`autobe_core.schema.plan_migration`); fields of the recipe's own new models may be
required. Money a recipe stores is ``decimal`` (precision 18, scale 2), never ``double``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from autobe_core.planning.rules.adapt import Conventions
from autobe_core.planning.rules.resolve import strip_prefix
from autobe_core.planning.rules.words import camel, kebab
from autobe_core.spec.changeset import CrossCuttingEdit, IndexKind
from autobe_core.spec.model import (
    Actor,
    ForeignField,
    HttpMethod,
    Model,
    Operation,
    OperationKind,
    Parameter,
    PlainField,
    ProjectSpec,
    Relation,
    Stance,
    UniqueIndex,
)

TargetKind = Literal["content", "account", "none", "scope"]
"""What a feature attaches to: a content model (default: the main model), an account
model (default: the owner's), nothing, or a scope of models (every model, a namespace,
one model)."""

METHODS: dict[str, HttpMethod] = {
    "create": "post",
    "at": "get",
    "index": "patch",
    "update": "put",
    "erase": "delete",
}


@dataclass
class Parts:
    models: list[Model] = field(default_factory=list)
    fields: list[tuple[str, PlainField | ForeignField]] = field(default_factory=list)
    """Fields on models that exist already: nullable, or with a default."""
    indexes: list[tuple[str, IndexKind, tuple[str, ...]]] = field(default_factory=list)
    """Indexes on models that exist already."""
    operations: list[Operation] = field(default_factory=list)
    cross: list[CrossCuttingEdit] = field(default_factory=list)
    """Cross-cutting edits that add ``fields`` (emitted instead of them on add)."""
    by_endpoint: bool = False
    """Operations on existing models count as there only at the same endpoint (not
    when the model has one of that kind for that actor)."""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Ctx:
    conv: Conventions
    target: Model | None = None
    namespace: str | None = None
    """Scope features: the namespace, or None for every model (unless ``target``)."""

    @property
    def spec(self) -> ProjectSpec:
        return self.conv.spec

    @property
    def owner(self) -> Actor | None:
        return self.conv.owner

    @property
    def admin(self) -> Actor | None:
        return self.conv.admin

    def need_target(self) -> Model:
        if self.target is None:
            raise ValueError("this feature needs a target model")
        return self.target

    def owner_model(self) -> str | None:
        return self.owner.model if self.owner else None

    def moderator(self) -> Actor | None:
        """Who moderates: the admin, when it is not the owner."""
        if self.admin is not None and (self.owner is None or self.admin.name != self.owner.name):
            return self.admin
        return None

    # -- fields

    def fk(
        self,
        target: str,
        relation: str,
        *,
        name: str | None = None,
        nullable: bool = False,
        description: str = "",
    ) -> ForeignField:
        return ForeignField(
            name=name or self.conv.fk_name(target),
            nullable=nullable,
            description=description,
            relation=Relation(name=relation, target_model=target),
        )

    def owner_fk(
        self, relation: str, *, avoid: str | None = None, description: str = ""
    ) -> ForeignField | None:
        """The foreign key to the owner's model; named ``<relation>_id`` when the usual
        name is taken by ``avoid`` (a second key to the same model)."""
        om = self.owner_model()
        if om is None:
            return None
        name = self.conv.fk_name(om)
        if name == avoid:
            name = f"{relation}_id"
        return self.fk(om, relation, name=name, description=description)

    def resource(
        self,
        model: str,
        parent: Model | None = None,
        parent_fk: str | None = None,
        *,
        segment: str | None = None,
        param: str | None = None,
    ) -> Resource:
        """Paths for ``model``: collections nested under ``parent`` (bound by
        ``parent_fk``) as ``<parent anchor>/<segment>``, rows as ``<segment>/{param}``
        (nested or flat, as the project does). The segment defaults to the model name
        without the prefix and the parent's stem (``bbs_article_comments`` under
        articles: ``comments``), the parameter to the last word + ``Id``."""
        conv = self.conv
        stripped = strip_prefix(model, conv.prefix)
        nested = stripped
        anchor = conv.anchor(parent) if parent is not None else None
        if parent is not None:
            stem = conv.stem(parent.name) + "_"
            if stripped.startswith(stem):
                nested = stripped[len(stem) :]
        if anchor is not None and conv.segment_taken(model, anchor, nested):
            nested = stripped
        if param is None:
            param = camel(conv.short_stem(model)) + "Id"
            if anchor is not None and param == anchor.param:
                param = camel(conv.stem(model)) + "Id"
        return Resource(
            self, model, parent, parent_fk, kebab(segment or nested), kebab(stripped), param
        )


def timestamps(updated: bool = True) -> list[PlainField]:
    out = [PlainField(name="created_at", type="datetime")]
    if updated:
        out.append(PlainField(name="updated_at", type="datetime"))
    return out


@dataclass(frozen=True)
class Resource:
    """Paths of a new model's operations, in the project's style."""

    ctx: Ctx
    model: str
    parent: Model | None
    parent_fk: str | None
    segment: str
    flat_segment: str
    param: str

    def owned_rows(
        self, reader: Actor | None, *, noun: str, listing: str, creating: str
    ) -> list[Operation]:
        """The five operations of rows their owner writes and ``reader`` reads (comments,
        reviews), plus a moderator's erase when the project has a moderator."""
        ctx = self.ctx
        ops = [
            self.op("index", reader, listing),
            self.op("at", reader, f"Read one {noun}."),
            self.op("create", ctx.owner, creating),
            self.op("update", ctx.owner, f"Edit your {noun}."),
            self.op("erase", ctx.owner, f"Delete your {noun}."),
        ]
        mod = ctx.moderator()
        if mod is not None:
            ops.append(self.op("erase", mod, f"Remove a {noun} (moderation)."))
        return ops

    def op(
        self,
        kind: OperationKind,
        actor: Actor | None,
        summary: str,
        *,
        nested: bool = True,
    ) -> Operation:
        conv = self.ctx.conv
        base = conv.base(actor)
        params: list[Parameter] = []
        nest = nested and self.parent is not None and self.parent_fk is not None
        row = kind in ("at", "update", "erase")
        if row:
            nest = nest and conv.nest_rows
        if nest:
            assert self.parent is not None
            anchor = conv.anchor(self.parent)
            path = f"{base}/{anchor.segment}/{{{anchor.param}}}/{self.segment}"
            params.append(Parameter(name=anchor.param, binds=self.parent_fk))
        else:
            path = f"{base}/{self.flat_segment}"
        if row:
            path += f"/{{{self.param}}}"
            params.append(Parameter(name=self.param, binds="id"))
        return Operation(
            path=path,
            method=METHODS[kind],
            name=kind,
            kind=kind,
            model=self.model,
            actor=actor.name if actor else None,
            parameters=params,
            summary=summary,
        )


class Feature:
    """A catalog entry. Subclasses set the attributes and implement :meth:`parts`."""

    key: str = ""
    title: str = ""
    aliases: tuple[str, ...] = ()
    """Phrases that name the feature (lower case, singular or plural)."""
    verbs: tuple[str, ...] = ()
    """Verbs of "let members VERB MODEL" that ask for the feature (``comment on``)."""
    target: TargetKind = "content"
    linked: bool = False
    """The target is only linked (a nullable reference), not what the feature is on."""
    example: str = ""
    adds: str = ""
    """What the feature adds, for docs/planning.md."""

    def parts(self, ctx: Ctx) -> Parts:
        raise NotImplementedError


def text(
    name: str,
    max_length: int | None,
    *,
    min_length: int | None = None,
    nullable: bool = False,
    description: str = "",
) -> PlainField:
    return PlainField(
        name=name,
        type="string",
        nullable=nullable,
        min_length=min_length,
        max_length=max_length,
        description=description,
    )


def words_of(conv: Conventions, model: str) -> str:
    """A model in words, singular: ``bbs_article_comments`` -> ``article comment``."""
    return conv.stem(model).replace("_", " ")


def article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


@dataclass(frozen=True)
class Child:
    """A new model that belongs to the target and is owned by the owner actor."""

    model: Model
    target_fk: ForeignField
    owner_fk: ForeignField | None
    resource: Resource


def child_model(
    ctx: Ctx,
    word: str,
    description: str,
    plain: list[PlainField],
    *,
    owner_relation: str,
    owner_first: bool = False,
    unique: bool = False,
    stance: Stance = "primary",
    name: str | None = None,
    segment: str | None = None,
    param: str | None = None,
) -> Child:
    """``<prefix><target stem>_<word>s`` with a foreign key to the target (bound by the
    nested paths) and one to the owner's model (the owner key of the generated
    operations: first when the target is the owner's own model)."""
    conv = ctx.conv
    target = ctx.need_target()
    table = name or conv.table(conv.stem(target.name), word)
    target_fk = ctx.fk(target.name, conv.relation_name(target.name))
    owner = ctx.owner_fk(owner_relation, avoid=target_fk.name)
    if owner is not None and owner.relation.name == target_fk.relation.name:
        target_fk = ctx.fk(target.name, "target", name=target_fk.name)
    fks = [target_fk] if owner is None else [target_fk, owner]
    if owner is not None and (owner_first or target.name == owner.relation.target_model):
        fks = [owner, target_fk]
    uniques = (
        [UniqueIndex(field_names=[f.name for f in fks])] if unique and owner is not None else []
    )
    model = Model(
        name=table,
        namespace=conv.namespace_for(target),
        description=description,
        stance=stance,
        foreign_fields=fks,
        plain_fields=plain,
        unique_indexes=uniques,
    )
    res = ctx.resource(table, target, target_fk.name, segment=segment, param=param)
    return Child(model, target_fk, owner, res)
