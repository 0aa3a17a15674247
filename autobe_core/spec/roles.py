"""Field roles: who sets each field of a model, and from what (issue 11).

- ``system``: the generated code maintains it (the primary key, ``created_at`` /
  ``updated_at`` / ``deleted_at``, the password hash);
- ``server``: never read from a request body; a create fills it from its *source* (the
  field's default, now, zero / false / the first enum value, the caller's token or the
  path, null, a generated number, a value copied from a parent row);
- ``client``: what a request body carries.

A field's ``role`` in the spec wins; otherwise it is derived from its name and place, by
the tables below (one entry per meaning, read as words: ``email_verified`` -> email,
verified): owner keys and other keys to an actor's model; status, state, approval,
verification and moderation flags; counters and aggregates; totals; the model's own
number (``orders.order_number``); timestamps of events (a past participle before ``_at``:
``paid_at``, ``resolved_at``; never ``due_at`` or ``scheduled_at``); prices copied from
a referenced row (``cart_items.unit_price`` when the item's product has a ``price``).

A derived server field that is required and has no source stays ``client`` (the
operation still works) and :func:`field_roles` says so (``unsourced``); the validator
warns. Words are matched against small tables, and plurals read through
:func:`naming.singular`: no morphology library is needed for table and field names.

Update bodies leave server fields out too, except the state and event fields of a model
whose every update operation is called by a privileged actor (staff moderate: an admin
resolves a report, setting its ``status`` and ``resolved_at``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from autobe_core.spec.behaviours import behaviour_fields
from autobe_core.spec.memo import memoized
from autobe_core.spec.model import (
    DefaultValue,
    FieldRole,
    ForeignField,
    Model,
    PlainField,
    ProjectSpec,
)
from autobe_core.spec.naming import operation_id, singular
from autobe_core.spec.semantics import create_bound_fields, is_privileged

SourceKind = Literal[
    "default", "now", "zero", "false", "first", "bound", "null", "generated", "copy"
]
"""How a create fills a server field: the spec's ``default``; the current time; 0;
false; the enum's first value; the token or the path (``semantics.create_bound_fields``);
null; a fresh number; the same-named value of the parent row a foreign key points at."""

ServerKind = Literal["owner", "state", "counter", "total", "number", "event", "copy", "spec"]
"""Why a field is server-set (``spec``: the spec says so)."""

SYSTEM_FIELDS = ("created_at", "updated_at", "deleted_at")

STATE_LAST_WORDS = frozenset({"status", "state"})
FLAG_WORDS = frozenset({
    "approved", "verified", "banned", "pinned", "featured", "hidden", "locked",
    "suspended", "blocked", "flagged", "moderated", "confirmed", "certified", "endorsed",
    "sponsored", "promoted", "official", "trusted",
})
"""Flags a moderator or a workflow sets (``is_`` / ``has_`` prefixes ignored)."""

COUNTER_LAST_WORDS = frozenset({"count", "sum", "avg", "average"})
COUNTER_NAMES = frozenset({
    "views", "likes", "dislikes", "upvotes", "downvotes", "karma", "followers",
    "shares", "clicks", "downloads", "hits",
})
TOTAL_LAST_WORDS = frozenset({"total", "subtotal"})

IRREGULAR_PARTICIPLES = frozenset({
    "paid", "read", "sent", "done", "held", "made", "sold", "bought", "built", "seen",
    "written", "taken", "given", "hidden", "chosen", "frozen", "spoken", "broken",
    "begun", "won", "lost", "shown", "withdrawn", "drawn", "known", "thrown", "forgotten",
    "undone", "overridden", "rewritten", "forbidden",
})
NOT_EVENTS = frozenset({
    "scheduled", "planned", "expected", "intended", "desired", "estimated", "targeted",
    "preferred", "proposed", "reserved",
})
"""Participles naming a time someone chooses, not an event that happened."""

PRICE_WORD = "price"


@dataclass(frozen=True)
class Source:
    """How a create fills a server field."""

    kind: SourceKind
    value: DefaultValue | None = None
    """``default`` / ``first``: the value."""
    parent: str | None = None
    """``copy``: the foreign field whose row holds the value."""
    parent_field: str | None = None
    """``copy``: the parent model's field copied."""
    parent_model: str | None = None


@dataclass(frozen=True)
class RoleDecision:
    """The role of one field and why."""

    field: str
    role: FieldRole
    reason: str
    source: Source | None = None
    """server fields: how a create fills them."""
    server_kind: ServerKind | None = None
    derived: bool = True
    """False when the spec's ``role`` decided."""
    unsourced: bool = False
    """Derived server, but required with no source: kept client (reported)."""

    @property
    def server(self) -> bool:
        return self.role == "server"


def words(name: str) -> list[str]:
    return [w for w in name.lower().split("_") if w]


# --------------------------------------------------------------------------- patterns


def _state(model: Model, field: PlainField) -> str | None:
    parts = words(field.name)
    if parts and parts[-1] in STATE_LAST_WORDS:
        return "a status / state field"
    if parts and parts[0] in ("is", "has"):
        parts = parts[1:]
    if field.type == "boolean" and parts and parts[-1] in FLAG_WORDS:
        return f"a {parts[-1]} flag (moderation / verification)"
    return None


def _counter(model: Model, field: PlainField) -> str | None:
    parts = words(field.name)
    if field.type not in ("int", "double", "decimal"):
        return None
    if field.name in COUNTER_NAMES or (parts and parts[-1] in COUNTER_LAST_WORDS):
        return "a counter / aggregate"
    return None


def _total(model: Model, field: PlainField) -> str | None:
    parts = words(field.name)
    if field.type in ("int", "double", "decimal") and parts and parts[-1] in TOTAL_LAST_WORDS:
        return "a total"
    return None


def _number(model: Model, field: PlainField) -> str | None:
    stem = singular(words(model.name)[-1]) if words(model.name) else ""
    if field.type in ("string", "int") and field.name == f"{stem}_number":
        return f"the {stem}'s generated number"
    return None


def _event(model: Model, field: PlainField) -> str | None:
    parts = words(field.name)
    if field.type != "datetime" or len(parts) < 2 or parts[-1] != "at":
        return None
    if field.name in SYSTEM_FIELDS:
        return None
    verb = parts[-2]
    if parts[0] == "last":
        return "the time of the last event"
    if verb in NOT_EVENTS:
        return None
    if verb in IRREGULAR_PARTICIPLES or (verb.endswith("ed") and len(verb) > 3):
        return f"the time something was {verb} (an event)"
    return None


PLAIN_RULES: tuple[tuple[ServerKind, Callable[[Model, PlainField], str | None]], ...] = (
    ("state", _state),
    ("counter", _counter),
    ("total", _total),
    ("number", _number),
    ("event", _event),
)
"""Name patterns of server-set plain fields, first match wins."""


def _copy(spec: ProjectSpec, model: Model, field: PlainField) -> Source | None:
    """A price the row copies from the parent a required foreign key points at: the
    parent's field of the same name, else its ``price``."""
    if PRICE_WORD not in words(field.name) or field.type not in ("int", "double", "decimal"):
        return None
    for foreign in model.foreign_fields:
        if foreign.nullable:
            continue
        parent = spec.model(foreign.relation.target_model)
        if parent is None or parent.name == model.name:
            continue
        for name in (field.name, PRICE_WORD):
            found = parent.plain(name)
            if found is not None and found.type == field.type and not found.nullable:
                return Source("copy", parent=foreign.name, parent_field=found.name,
                              parent_model=parent.name)
    return None


# --------------------------------------------------------------------------- sources


def plain_source(field: PlainField, kind: ServerKind | None) -> Source | None:
    if field.default is not None:
        return Source("default", field.default)
    if field.nullable:
        return Source("null")
    if kind == "number":
        return Source("generated")
    if field.enum:
        return Source("first", field.enum[0])
    return {
        "datetime": Source("now"),
        "int": Source("zero"),
        "double": Source("zero"),
        "decimal": Source("zero"),
        "boolean": Source("false"),
    }.get(field.type)


def _actor_models(spec: ProjectSpec) -> set[str]:
    return {a.model for a in spec.actors}


def _password_fields(spec: ProjectSpec, model: Model) -> set[str]:
    return {a.password_field for a in spec.actors if a.model == model.name and a.password_field}


def _foreign_decision(
    spec: ProjectSpec, model: Model, field: ForeignField, bound: set[str]
) -> RoleDecision:
    target = field.relation.target_model
    to_actor = target in _actor_models(spec)
    source: Source | None = None
    if field.name in bound:
        source = Source("bound")
    elif field.nullable:
        source = Source("null")
    if field.role is not None:
        return _explicit(field.name, field.role, source)
    if not to_actor:
        return RoleDecision(field.name, "client", "a foreign key to a non-actor model")
    reason = f"a key to the actor model {target}"
    if source is None:
        return RoleDecision(field.name, "client", reason, server_kind="owner", unsourced=True)
    return RoleDecision(field.name, "server", reason, source, "owner")


def _plain_decision(spec: ProjectSpec, model: Model, field: PlainField) -> RoleDecision:
    if field.name in _password_fields(spec, model):
        return RoleDecision(field.name, "system", "the password hash", derived=False)
    if field.name in SYSTEM_FIELDS and field.type == "datetime":
        return RoleDecision(field.name, "system", "maintained by the generated code",
                            derived=False)
    copy = _copy(spec, model, field)
    kind: ServerKind | None = None
    reason = ""
    if copy is not None:
        kind = "copy"
        reason = f"copied from {copy.parent_model}.{copy.parent_field} at create"
    elif field.name in behaviour_fields(model):
        kept = behaviour_fields(model)[field.name]
        kind = "total" if kept.kind == "child_total" else "counter"
        reason = f"kept by the model's {kept.kind} behaviour"
    else:
        for rule_kind, rule in PLAIN_RULES:
            found = rule(model, field)
            if found is not None:
                kind, reason = rule_kind, found
                break
    source = copy or plain_source(field, kind)
    if field.role is not None:
        return _explicit(field.name, field.role, source)
    if kind is None:
        return RoleDecision(field.name, "client", "set by the client")
    if source is None:
        return RoleDecision(field.name, "client", reason, server_kind=kind, unsourced=True)
    return RoleDecision(field.name, "server", reason, source, kind)


def _explicit(name: str, role: FieldRole, source: Source | None) -> RoleDecision:
    if role == "server":
        return RoleDecision(name, "server", "the spec says so", source, "spec", derived=False,
                            unsourced=source is None)
    return RoleDecision(name, role, "the spec says so", derived=False)


# --------------------------------------------------------------------------- API


@memoized
def field_roles(spec: ProjectSpec, model: Model) -> dict[str, RoleDecision]:
    """Every field's role, in field order (primary key first)."""
    bound = set(create_bound_fields(spec, model))
    out: dict[str, RoleDecision] = {
        model.primary_field.name: RoleDecision(
            model.primary_field.name, "system", "the primary key", derived=False)
    }
    for foreign in model.foreign_fields:
        out[foreign.name] = _foreign_decision(spec, model, foreign, bound)
    for plain in model.plain_fields:
        out[plain.name] = _plain_decision(spec, model, plain)
    return out


def server_fields(spec: ProjectSpec, model: Model) -> list[RoleDecision]:
    """The server-set fields of ``model`` that a create fills (each has a source)."""
    return [d for d in field_roles(spec, model).values() if d.server and d.source is not None]


def unsourced_fields(spec: ProjectSpec, model: Model) -> list[RoleDecision]:
    """Fields that would be server-set but that a create could not fill."""
    return [d for d in field_roles(spec, model).values() if d.unsourced]


@memoized
def update_writable(spec: ProjectSpec, model: Model) -> set[str]:
    """Server fields an update body may still set: the state and event fields of a model
    whose every update operation is called by a privileged actor."""
    updates = [op for op in spec.operations if op.kind == "update" and op.model == model.name]
    actors = [spec.actor(op.actor) if op.actor else None for op in updates]
    if not updates or any(a is None or not is_privileged(a) for a in actors):
        return set()
    return {
        d.field for d in field_roles(spec, model).values()
        if d.server and d.server_kind in ("state", "event", "spec") and model.plain(d.field)
    }


@memoized
def role_reads(spec: ProjectSpec, model: Model) -> set[str]:
    """The spec elements :func:`field_roles` and :func:`update_writable` read beyond the
    model itself: every actor (which models are accounts, who is privileged); the parent
    models a price may be copied from (when the model has a price); the update operations
    with their actors (when a state or event field is server-set)."""
    reads = {f"actor:{a.name}" for a in spec.actors}
    if any(PRICE_WORD in words(p.name) for p in model.plain_fields):
        reads |= {f"model:{f.relation.target_model}" for f in model.foreign_fields
                  if not f.nullable and spec.model(f.relation.target_model) is not None}
    if any(d.server and d.server_kind in ("state", "event", "spec")
           for d in field_roles(spec, model).values()):
        reads |= {f"operation:{operation_id(op)}" for op in spec.operations
                  if op.kind == "update" and op.model == model.name}
    return reads


# --------------------------------------------------------------------------- bounds

QUANTITY_WORDS = frozenset({"quantity", "qty"})
MONEY_WORDS = frozenset({
    "price", "amount", "cost", "fee", "total", "subtotal", "tax", "discount", "refund",
    "payment", "deposit", "charge", "commission", "budget", "salary", "wage", "fare",
})
"""Amounts of money that are never negative (a balance or a profit may be: not here)."""
COUNT_WORDS = frozenset({"count", "size"})


def default_minimum(field: PlainField) -> float | None:
    """The lower bound a request body's value of ``field`` gets when the spec gives none:
    quantities at least 1, amounts of money and counts at least 0."""
    if field.minimum is not None or field.type not in ("int", "double", "decimal"):
        return field.minimum
    parts = words(field.name)
    if not parts:
        return None
    if parts[-1] in QUANTITY_WORDS:
        return 1
    if parts[-1] in COUNT_WORDS or field.name in COUNTER_NAMES:
        return 0
    if any(w in MONEY_WORDS for w in parts):
        return 0
    return None


DEFAULT_SCHEMES = ("http", "https")


def url_schemes(field: PlainField) -> tuple[str, ...]:
    """The URL schemes a request may send in a ``uri`` field."""
    return tuple(field.schemes) if field.schemes is not None else DEFAULT_SCHEMES
