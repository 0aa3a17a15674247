"""From an :class:`~.understanding.Understanding` to typed edits: one builder per intent
(:data:`BUILDERS`), each building with the same functions the grammar's forms use
(grant and revoke operations, add and remove catalog features, add, remove, rename and
make fields), so a request in words and its command form make the same change.

A builder that cannot place what the intent needs raises NotUnderstood saying what it
understood and which words it could not place; those words never become names, except
the words of a new field's or a new name's own slot.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog import Feature, find_feature
from autobe_core.planning.rules.catalog.engine import Planned, plan_add, plan_remove
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.fields import INT_WORDS, FieldRequest, parse_field
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.features import add_feature
from autobe_core.planning.rules.grammar.fields import add_field_to, make_field, remove_field
from autobe_core.planning.rules.grammar.operations import grant, revoke
from autobe_core.planning.rules.morphology import (
    is_verb,
    past_participle,
    singular,
    verb_of_nominal,
)
from autobe_core.planning.rules.removal import Removal, plan_removal
from autobe_core.planning.rules.understand.lexicon import (
    OPERATION_VERBS,
    SET_VERBS,
    TYPE_NOUNS,
    Intent,
)
from autobe_core.planning.rules.understand.reading import Word
from autobe_core.planning.rules.understand.roles import ROLE_WORDS, build_role
from autobe_core.planning.rules.understand.understanding import Understanding
from autobe_core.planning.rules.words import join_words, name_of
from autobe_core.spec.changeset import Edit, ModifyField, RenameField, RenameModel
from autobe_core.spec.model import Actor, DefaultValue, Model, PlainField
from autobe_core.spec.naming import field_problem, model_name_problem
from autobe_core.spec.semantics import is_privileged

Builder = Callable[[Context, Understanding], Planned]

MAX_NAME_WORDS = 4


def _missing(u: Understanding, what: str) -> NotUnderstood:
    unplaced = [w.text for w in u.free]
    tail = f"; could not place {join_words([repr(w) for w in unplaced])}" if unplaced else ""
    return NotUnderstood(
        f"understood {u.describe()!r} but not {what}{tail}",
        [],
    )


def _reject_free(u: Understanding, allowed: int = 0) -> None:
    """Refuse a plan that would leave words unread (beyond ``allowed`` name words)."""
    if len(u.free) > allowed:
        extra = [w.text for w in u.free]
        raise NotUnderstood(
            f"understood {u.describe()!r}, but could not place "
            f"{join_words([repr(w) for w in extra])}; name models, fields and actors as the "
            "project does, or write the change as a command (autobe change --help)",
            [],
        )


def _owner(g: Context, u: Understanding) -> Actor | None:
    return u.actors[0] if u.entities.actors else g.conv.owner


def _target(u: Understanding, skip: Actor | None = None) -> Model | None:
    """The model a request is about: the first named that is not the actor's account
    (unless it is the only one)."""
    models = u.models
    others = [m for m in models if skip is None or m.name != skip.model]
    chosen = others or models
    return chosen[0] if chosen else None


# --------------------------------------------------------------------------- fields


_SLOT_WORDS = frozenset({"to", "for", "on", "onto", "in", "into", "of", "from", "at", "with"})
"""A word after one of these stands where a model is named, not a new field."""


def _in_target_slot(u: Understanding, w: Word) -> bool:
    k = w.at - 1
    while k >= 0 and u.words[k].text in ("a", "an", "the", "every", "each", "all", "my"):
        k -= 1
    return k >= 0 and u.words[k].text in _SLOT_WORDS


def field_request(u: Understanding) -> FieldRequest:
    """The new field the free words and the details describe: the words of the field's
    own slot, never words standing where a model is named (``add X to psots``)."""
    words = [w for w in u.free]
    if not words or len(words) > MAX_NAME_WORDS:
        raise _missing(u, "the new field's name")
    if any(_in_target_slot(u, w) for w in words):
        _reject_free(u)
    if any(w.base in OPERATION_VERBS and w.text == w.base for w in words[1:]):
        _reject_free(u)
    texts = [w.text for w in words]
    type_word: str | None = None
    if len(texts) == 2 and texts[-1] == "number" and texts[0] in INT_WORDS:
        texts = texts[:1]  # a position number -> position
    if len(texts) > 1 and texts[-1] in ("timestamp", "flag"):
        type_word = TYPE_NOUNS[texts[-1]]
        head = texts[:-1]
        if type_word == "datetime" and len(head) == 1:
            verb = verb_of_nominal(head[0]) or (head[0] if is_verb(head[0]) else None)
            texts = [f"{past_participle(verb)}_at" if verb else f"{head[0]}_at"]
        else:
            texts = head if type_word == "boolean" else [*head, "at"]
    elif len(texts) == 1 and words[0].text != words[0].base and is_verb(words[0].base) and (
        u.intent == "track" or u.has("when", "time", "date")
    ):
        texts = [f"{past_participle(words[0].base)}_at"]
        type_word = "datetime"
    d = u.details
    phrase = " ".join(texts)
    if d.values:
        phrase += " enum " + "/".join(d.values)
    elif type_word is not None and type_word != "email":
        phrase = f"{'_'.join(texts)}:{type_word}"
    elif d.minimum is not None or d.maximum is not None:
        ints = all(v is None or float(v).is_integer() for v in (d.minimum, d.maximum))
        phrase = f"{'_'.join(texts)}:{'int' if ints else 'double'}"
    if u.modifier == "required":
        phrase += " required"
    elif u.modifier in ("unique", "indexed", "searchable"):
        phrase = f"{u.modifier} {phrase}"
    req = parse_field(phrase)
    update: dict[str, object] = {}
    if d.minimum is not None:
        update["minimum"] = d.minimum
    if d.maximum is not None:
        update["maximum"] = d.maximum
    if d.default is not None:
        update["default"] = _default(req.field, d.default)
    if update:
        req = FieldRequest(req.field.model_copy(update=update), req.index, True, req.required)
    return req


def _default(f: PlainField, raw: str) -> DefaultValue:
    values = f.enum or []
    if values and raw not in values:
        raise NotUnderstood(f"the default {raw!r} is not one of {', '.join(values)}", values)
    if f.type == "boolean" and raw in ("true", "false", "yes", "no", "on", "off"):
        return raw in ("true", "yes", "on")
    if f.type in ("int", "double", "decimal"):
        try:
            number = float(raw)
        except ValueError:
            raise NotUnderstood(f"the default {raw!r} is not a number", []) from None
        return int(number) if f.type == "int" else number
    if f.type in ("string",) or values:
        return raw
    raise NotUnderstood(f"a {f.type} field cannot default to {raw!r}", [])


# --------------------------------------------------------------------------- builders


def build_add(g: Context, u: Understanding) -> Planned:
    if any(w.text in ROLE_WORDS for w in u.words) and (u.free or u.entities.actors):
        nouns = [w for w in u.free if w.base not in OPERATION_VERBS]
        if u.entities.actors and not nouns:  # "add a moderator role" that exists
            if not u.kinds:
                raise NothingToDo("the project has that actor already")
            return build_allow(g, u)
        return build_role(g, u)
    features = u.features
    if not features and u.has("who"):
        raise _missing(
            u,
            "who did it: the rules record who created a row (created_by, audit fields); "
            "who last changed it is not known to them",
        )
    if features and not u.details.any():
        _reject_free(u)
        return _add_feature(g, u, features[0])
    actor_model = _actor_model(g, u)
    target = u.models[0] if u.models else actor_model
    if target is None and not u.entities.scope_all:
        if u.entities.ambiguous:
            raise u.entities.ambiguous[0]
        raise _missing(u, "which model it is about")
    if u.fields and not u.free:
        model, name = u.fields[0]
        raise NothingToDo(f"{model.name} has a field {name} already")
    req = field_request(u)
    return add_field_to(g, req, None if u.entities.scope_all else target)


def _actor_model(g: Context, u: Understanding) -> Model | None:
    for actor in u.actors:
        if actor is not None:
            return g.spec.model(actor.model)
    return None


def _add_feature(g: Context, u: Understanding, feature: Feature) -> Planned:
    if feature.target == "scope":
        model = None if u.entities.scope_all else (u.models[0] if u.models else None)
        return plan_add(g.spec, feature, model, None)
    actor = u.actors[0] if u.entities.actors else None
    target = _target(u, actor) if feature.target != "none" else None
    if feature.target == "account" and target is not None and actor is not None:
        target = target if target.name != actor.model else None
    return add_feature(g, feature, target, None, actor)


def build_track(g: Context, u: Understanding) -> Planned:
    return build_add(g, u)


def build_allow(g: Context, u: Understanding) -> Planned:
    actor = _owner(g, u)
    if u.features and not u.kinds:
        _reject_free(u)
        return _add_feature(g, u, u.features[0])
    model = _target(u, actor)
    if model is None and len(u.actors) > 1 and u.actors[1] is not None:
        model = g.spec.model(u.actors[1].model)  # "let moderators see the members"
    if not u.kinds:
        raise _missing(u, "what the actor may do (create, read, list, update, delete, ...)")
    if u.free and all(w.base in OPERATION_VERBS for w in u.free):
        u = u.without_free()
    if model is None:
        if u.entities.ambiguous:
            raise u.entities.ambiguous[0]
        raise _missing(u, "which model it is about")
    _reject_free(u)
    return grant(g, model, actor, u.kinds)


def _revoked_actors(g: Context, u: Understanding, model: Model) -> list[Actor | None]:
    if u.entities.actors:
        return list(u.actors)
    callers = {op.actor for op in g.spec.operations if op.model == model.name}
    ordinary = [a for a in g.spec.actors if a.name in callers and not is_privileged(a)]
    out: list[Actor | None] = list(ordinary)
    if None in callers:
        out.append(None)
    return out


def build_forbid(g: Context, u: Understanding) -> Planned:
    kinds = u.kinds
    model = _target(u, u.actors[0] if u.entities.actors else None)
    if u.features and (model is None or not kinds):
        feature_model = g.resolver.find_model(u.features[0].key)
        if feature_model is not None:
            model, kinds = feature_model, kinds or ("create",)
    if model is None or not kinds:
        raise _missing(u, "which operation on which model to take away")
    _reject_free(u)
    return revoke(g, model, kinds, _revoked_actors(g, u, model))


def build_restrict(g: Context, u: Understanding) -> Planned:
    """``only X can VERB MODEL``: X keeps (or gets) it, the others lose it; ``only X can
    set FIELD``: the field leaves request bodies (server-set) unless X's updates are the
    only ones."""
    if not u.entities.actors or u.actors[0] is None:
        raise _missing(u, "who alone may do it")
    actor = u.actors[0]
    set_field = u.fields and (not u.kinds or u.has(*SET_VERBS))
    if set_field:
        owner, name = u.fields[0]
        return _server_field(g, u, actor, owner, name)
    model = _target(u, actor)
    flag = _flag_of_verb(u, model)
    if model is not None and flag is not None:  # only moderators can pin topics
        return _server_field(g, u, actor, model, flag)
    if model is None or not u.kinds:
        raise _missing(u, "which operation on which model")
    _reject_free(u)
    others = [
        a
        for a in {op.actor for op in g.spec.operations if op.model == model.name}
        if a != actor.name
    ]
    edits: list[Edit] = []
    notes: list[str] = []
    losers = [g.spec.actor(a) if a else None for a in others]
    with contextlib.suppress(NothingToDo):
        edits += revoke(g, model, u.kinds, losers).edits
    try:
        edits += grant(g, model, actor, u.kinds).edits
    except NothingToDo as exc:
        notes.append(str(exc))
    if not edits:
        raise NothingToDo(f"only {actor.name} can do that already")
    doing = "/".join(u.kinds)
    return Planned(edits, f"only {actor.name} may {doing} {model.name}", notes)


def _flag_of_verb(u: Understanding, model: Model | None) -> str | None:
    """The boolean field a verb sets (``pin`` -> ``pinned`` / ``is_pinned``)."""
    if model is None:
        return None
    for w in u.words:
        if w.text in SET_VERBS or not is_verb(w.base):
            continue
        done = past_participle(w.base)
        for name in (done, f"is_{done}"):
            f = model.plain(name)
            if f is not None and f.type == "boolean":
                return name
    return None


def _server_field(g: Context, u: Understanding, actor: Actor, model: Model, name: str) -> Planned:
    current = model.plain(name)
    if current is None:
        raise NotUnderstood(f"{model.name}.{name} is a reference; only plain fields take roles", [])
    if current.role == "server":
        raise NothingToDo(f"{model.name}.{name} is set by the server already")
    if not is_privileged(actor):
        raise NotUnderstood(
            f"only {actor.name} may set {model.name}.{name}: {actor.name} is not staff, so its "
            "updates reach only its own rows; make it privileged first (a modifyActor edit with "
            "privileged: true, autobe change --edits FILE.yaml)",
            [],
        )
    edits: list[Edit] = [
        ModifyField(
            model=model.name, field=name, definition=current.model_copy(update={"role": "server"})
        )
    ]
    notes = [f"request bodies no longer carry {name}: callers cannot set it"]
    if is_privileged(actor):
        with contextlib.suppress(NothingToDo):
            edits += grant(g, model, actor, ("update",)).edits
        notes.append(
            f"{actor.name} sets it through an update of its own when every update of "
            f"{model.name} is staff's (docs/security.md)"
        )
    return Planned(edits, f"only {actor.name} may set {model.name}.{name}", notes)


def build_remove(g: Context, u: Understanding) -> Planned:
    _reject_free(u)
    if u.fields:
        model, name = u.fields[0]
        return remove_field(g, model, name)
    if u.features and not u.models:
        return plan_remove(g.spec, u.features[0], None, None)
    if u.features and u.models and find_feature(u.models[0].name) is None:
        return plan_remove(g.spec, u.features[0], u.models[0], None)
    if len(u.models) == 1:
        model = u.models[0]
        plan = plan_removal(g.spec, Removal(models=[model.name]))
        notes = ["also removed, as it depended on it: " + d for d in plan.dependents]
        return Planned(plan.edits, f"remove model {model.name} and its operations", notes)
    if u.entities.ambiguous:
        raise u.entities.ambiguous[0]
    raise _missing(u, "what to remove")


def build_rename(g: Context, u: Understanding) -> Planned:
    if not u.free:
        raise _missing(u, "the new name")
    if len(u.free) > MAX_NAME_WORDS:
        _reject_free(u, MAX_NAME_WORDS)
    new_words = " ".join(w.text for w in u.free)
    if u.fields:
        owner, field = u.fields[0]
        new = name_of(new_words, "field")
        if singular(field) == field and singular(new) != new and "_" not in new:
            new = singular(new)  # nicknames -> handles: the field's own number
        problem = field_problem(new)
        if problem:
            raise NotUnderstood(f"{new!r} cannot be a field name: {problem}", [])
        if new in owner.field_names():
            raise NothingToDo(f"{owner.name} has a field {new} already")
        return Planned(
            [RenameField(model=owner.name, field=field, new_name=new)],
            f"rename field {owner.name}.{field} to {new}",
        )
    if len(u.models) != 1:
        if u.entities.ambiguous:
            raise u.entities.ambiguous[0]
        raise _missing(u, "which model or field to rename")
    model = u.models[0]
    new = name_of(new_words, "model")
    prefix = g.conv.prefix
    if prefix and model.name.startswith(prefix) and not new.startswith(prefix):
        new = prefix + new
    problem = model_name_problem(new)
    if problem:
        raise NotUnderstood(f"{new!r} cannot be a model name: {problem}", [])
    if g.spec.model(new) is not None:
        raise NothingToDo(f"model {new} exists already")
    return Planned(
        [RenameModel(model=model.name, new_name=new)], f"rename model {model.name} to {new}"
    )


def build_make(g: Context, u: Understanding) -> Planned:
    _reject_free(u)
    if not u.fields or u.modifier is None:
        raise _missing(u, "which field to change")
    model, name = u.fields[0]
    return make_field(g, model, name, u.modifier)


BUILDERS: dict[Intent, Builder] = {
    "add": build_add,
    "track": build_track,
    "allow": build_allow,
    "forbid": build_forbid,
    "restrict": build_restrict,
    "remove": build_remove,
    "rename": build_rename,
    "make": build_make,
}
"""One builder per intent."""


def build(g: Context, u: Understanding) -> Planned:
    """The plan for what was understood (with a note on the qualifiers it read but
    cannot enforce)."""
    if u.intent is None:
        raise _missing(u, "what to do (add, remove, rename, make, allow, forbid, track)")
    planned = BUILDERS[u.intent](g, u)
    if u.qualifiers:
        words = join_words([repr(w.text) for w in u.qualifiers])
        planned.notes.append(
            f"{words}: read as a description; the change does not filter rows by it"
        )
    return planned
