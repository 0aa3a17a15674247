"""What the field-role tests of a create or update need from the spec (issue 11).

Read from :mod:`autobe_core.spec.roles`, the same facts the DTOs and collectors are
generated from: the server-set fields a body may not carry and, for a create, the value
each gets from its source.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from autobe_core.spec import naming, roles, semantics
from autobe_core.spec.model import DefaultValue, FieldType, Model, OperationKind, ProjectSpec


class ServerFieldShape(BaseModel):
    """A server-set field a test tries to send, and what the stored row must hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: FieldType
    source: str | None = None
    """create: ``roles.Source.kind`` (None for update: the row keeps its value)."""
    value: DefaultValue | None = None
    enum: tuple[str, ...] | None = None
    foreign: bool = False
    parent: str | None = None
    """copy: the row's foreign field selecting the parent."""
    parent_model: str | None = None
    parent_class: str | None = None
    parent_field: str | None = None


def server_field_shapes(
    spec: ProjectSpec, model: Model, kind: OperationKind
) -> tuple[ServerFieldShape, ...]:
    """create / join: every server-set field (from its source; bound keys included, their
    value is the token's or the path's); update: the server-set plain fields its body
    refuses."""
    if kind not in ("create", "join", "update"):
        return ()
    decisions = roles.field_roles(spec, model)
    refused = semantics.server_set_fields(spec, model, "update" if kind == "update"
                                          else "create")
    out: list[ServerFieldShape] = []
    for name, decision in decisions.items():
        if name not in refused:
            continue
        plain = model.plain(name)
        foreign = model.foreign(name)
        if plain is None and (foreign is None or kind == "update"):
            continue  # an update body never carries foreign keys
        source = decision.source if kind != "update" else None
        if kind == "join" and source is not None and source.kind == "bound":
            continue
        parent = spec.model(source.parent_model) if source and source.parent_model else None
        out.append(ServerFieldShape(
            name=name, type=plain.type if plain is not None else "uuid",
            source=source.kind if source is not None else None,
            value=source.value if source is not None else None,
            enum=tuple(plain.enum) if plain is not None and plain.enum else None,
            foreign=foreign is not None,
            parent=source.parent if source else None,
            parent_model=parent.name if parent else None,
            parent_class=naming.class_name(parent) if parent else None,
            parent_field=source.parent_field if source else None,
        ))
    return tuple(out)
