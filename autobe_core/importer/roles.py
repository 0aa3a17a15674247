"""AutoBe's create DTOs -> field roles (issue 11), each decision reported.

AutoBe says who sets a column only implicitly: its ``ICreate`` (``IJoin`` for an actor)
holds what the client sends. The spec derives roles (:mod:`autobe_core.spec.roles`);
here AutoBe's shapes are read against them, field by field, for every model a create or
join operation makes:

- a required column AutoBe's create DTO leaves out gets a default when AutoBe's update
  DTO lets the client change it (a todo's ``completed``: false), and otherwise becomes
  ``server`` when it has a source (its default, null, the first enum value, now, 0,
  false). Without a source it stays a client field (the create takes it from the body);
- a required status string with neither enum nor default gets the initial state its
  description names (``pending``, ``active``, ... :data:`INITIAL_STATES`) as its default,
  so it has a source and is server-set;
- a column AutoBe's create DTO holds that the spec derives server-set (``status``,
  ``order_total``, ``approval_status``, a key to an actor model ...) is server-set: AutoBe
  let the client send it, the generated API does not;
- a derived server field with no source stays client (the create must fill it).

Every decision is a :class:`RoleChoice` in the import report.
"""

from __future__ import annotations

import re

from autobe_core.importer.links import TypeLinks
from autobe_core.importer.models import ModelMap
from autobe_core.importer.report import Notes, RoleChoice
from autobe_core.spec import roles
from autobe_core.spec.model import Model, PlainField, ProjectSpec
from autobe_core.spec.semantics import actor_for_model, is_auto

INITIAL_STATES = (
    "none", "pending", "draft", "requested", "submitted", "open", "new", "queued",
    "active",
)
"""A status's initial value, most telling first: the first of these a status field's
description lists becomes its default (``refund_status``: none, pending, ... -> none)."""


DEFAULTS: dict[str, bool | int | str] = {"false": False, "zero": 0, "now": "now"}
"""The spec default standing for a source (a field the client may still change)."""


def initial_state(field: PlainField) -> str | None:
    """The initial state a status string's description names, if any."""
    if field.type != "string" or field.enum or field.default is not None:
        return None
    if roles.words(field.name)[-1:] not in (["status"], ["state"]):
        return None
    listed = re.findall(r"[a-z][a-z0-9_\-]*", field.description.lower())
    return next((s for s in INITIAL_STATES if s in listed), None)


def map_roles(
    spec: ProjectSpec, links: TypeLinks, models: ModelMap, notes: Notes
) -> tuple[ProjectSpec, list[RoleChoice]]:
    """Set the roles AutoBe's create DTOs imply; every decision returned."""
    created = {op.model for op in spec.operations if op.kind in ("create", "join")}
    choices: list[RoleChoice] = []
    for model in list(spec.models):
        if model.name not in created:
            continue
        actor = actor_for_model(spec, model)
        suffixes = ("IJoin", "ICreate") if actor is not None else ("ICreate",)
        schema = next((s for suffix in suffixes
                       if (s := links.schema(model.name, suffix)) is not None), None)
        if schema is None or not schema.has_properties:
            continue
        renames = models.field_names.get(model.name, {})
        sent = {renames[p] for p in schema.props if p in renames}
        update = links.schema(model.name, "IUpdate")
        changed = {renames[p] for p in update.props if p in renames} if update else set()
        updated, made = _model_roles(spec, model, sent, changed, schema.name)
        choices += made
        if updated is not model:
            models.replace(updated)
            spec = spec.model_copy(update={"models": [
                updated if m.name == model.name else m for m in spec.models]})
    return spec, choices


def _model_roles(
    spec: ProjectSpec, model: Model, sent: set[str], changed: set[str], schema: str
) -> tuple[Model, list[RoleChoice]]:
    account = actor_for_model(spec, model)
    password = account.password_field if account else None

    def considered(field: PlainField) -> bool:
        return not is_auto(model, field.name) and field.name != password

    # a status starts in the state its description names (AutoBe's create DTO may hold
    # it: the client then chose the workflow's state, which is the server's to set)
    defaulted: set[str] = set()
    plains = list(model.plain_fields)
    for i, field in enumerate(plains):
        state = initial_state(field) if considered(field) and not field.nullable \
            and field.role is None else None
        if state is not None:
            plains[i] = field.model_copy(update={"default": state})
            defaulted.add(field.name)
    if defaulted:
        model = model.model_copy(update={"plain_fields": plains})
        spec = spec.model_copy(update={"models": [
            model if m.name == model.name else m for m in spec.models]})

    decisions = roles.field_roles(spec, model)
    choices: list[RoleChoice] = []
    plains = list(model.plain_fields)
    for i, field in enumerate(plains):
        if not considered(field):
            continue
        decision = decisions[field.name]
        subject = f"{model.name}.{field.name}"
        source: str = decision.source.kind if decision.source else "body"
        if field.name in defaulted:
            source = f"default {field.default!r}, the initial state its description names"
        if field.name in sent:
            if decision.server:
                choices.append(RoleChoice(subject, "server", source,
                                          f"{schema} lets the client send it, but it is "
                                          f"{decision.reason}", schema))
            elif decision.unsourced:
                choices.append(RoleChoice(subject, "client", "body",
                                          f"{decision.reason}, but a create has no value "
                                          "for it (no default): taken from the body", schema))
            continue
        if decision.server:
            choices.append(RoleChoice(subject, "server", source,
                                      f"{schema} leaves it to the server; it is "
                                      f"{decision.reason}", schema))
            continue
        if field.nullable:
            continue
        fallback = roles.plain_source(field, None)
        default = None if fallback is None else (
            fallback.value if fallback.kind in ("default", "first")
            else DEFAULTS.get(fallback.kind))
        if default is not None and field.name in changed:
            # AutoBe's update lets the client change it: a client field with a default
            plains[i] = field.model_copy(update={"default": default})
            choices.append(RoleChoice(subject, "client", f"default {default!r}",
                                      f"{schema} leaves it to the server, AutoBe's IUpdate "
                                      "lets the client change it", schema))
            continue
        if fallback is None:
            choices.append(RoleChoice(subject, "client", "body",
                                      f"{schema} leaves it to the server, but it has no "
                                      "default: taken from the body", schema))
            continue
        plains[i] = field.model_copy(update={"role": "server"})
        choices.append(RoleChoice(subject, "server", fallback.kind,
                                  f"{schema} leaves it to the server", schema))
    for foreign in model.foreign_fields:
        decision = decisions[foreign.name]
        if foreign.name in sent and decision.server:
            choices.append(RoleChoice(f"{model.name}.{foreign.name}", "server",
                                      decision.source.kind if decision.source else "null",
                                      f"{schema} lets the client send it, but it is "
                                      f"{decision.reason}", schema))
    if plains != model.plain_fields:
        model = model.model_copy(update={"plain_fields": plains})
    return model, choices
