"""Finding what a request names, anywhere in it: catalog features (by their names and
everyday synonyms), actors (by name, kind, model; "users" / "people" are the owner,
"anyone" the public), models (by every name :class:`~..resolve.Resolver` accepts),
"every table" / "each record" (every model), fields of the models named, and the verbs
of operations.

Spans are tried longest first (four words down to one), so ``private messages`` is the
feature before ``messages`` could be anything else. A word that is both a feature and a
model or field of the project (``reviews`` on a shopping project) is the model or field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog import CATALOG, Feature, find_feature
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.morphology import past_participle, singular, verb_of_nominal
from autobe_core.planning.rules.understand.lexicon import (
    AMBIGUOUS_FEATURE_WORDS,
    EVERY_WORDS,
    FEATURE_PHRASES,
    FILLER,
    GENERIC_ACTOR_WORDS,
    OPERATION_VERBS,
    PUBLIC_WORDS,
    SCOPE_NOUNS,
)
from autobe_core.planning.rules.understand.reading import Reading, Word, base_of
from autobe_core.spec.model import Actor, Model, OperationKind

_BY_KEY = {f.key: f for f in CATALOG}

_FEATURE_VERBS: dict[str, Feature] = {}
for _entry in CATALOG:
    for _verb in _entry.verbs:
        _bases = [base_of(w) for w in _verb.split()]
        _FEATURE_VERBS.setdefault(" ".join(_bases), _entry)
        if _bases[0] not in ("send", "rate"):
            _FEATURE_VERBS.setdefault(_bases[0], _entry)  # "vote" of "vote on"


_BEFORE_VERB = frozenset({
    "to", "can", "could", "may", "might", "will", "would", "should", "must", "and", "or",
    "not", "no-longer", "let", "allow", "never",
})
"""Words after which a feature's verb is a verb (``can vote``), not a noun."""


@dataclass
class Entities:
    """What the words name, with the positions of the words that named it."""

    features: list[tuple[int, Feature]] = field(default_factory=list)
    actors: list[tuple[int, Actor | None]] = field(default_factory=list)
    """``None``: the public."""
    models: list[tuple[int, Model]] = field(default_factory=list)
    fields: list[tuple[int, int, Model, str]] = field(default_factory=list)
    """(position, words, model, field name); ``anywhere``: found in a model not named."""
    anywhere: set[int] = field(default_factory=set)
    kinds: list[tuple[int, tuple[OperationKind, ...]]] = field(default_factory=list)
    scope_all: bool = False
    ambiguous: list[NotUnderstood] = field(default_factory=list)
    placed: set[int] = field(default_factory=set)

    def first_model(self) -> Model | None:
        return self.models[0][1] if self.models else None


def _span(words: list[Word], i: int, n: int) -> tuple[str, str]:
    part = words[i : i + n]
    return " ".join(w.text for w in part), " ".join(w.base for w in part)


def _feature(text: str, base: str) -> Feature | None:
    key = FEATURE_PHRASES.get(base)
    if key is not None:
        return _BY_KEY.get(key)
    return _FEATURE_VERBS.get(base) or find_feature(text) or find_feature(base)


def _actor(g: Context, text: str, base: str) -> tuple[bool, Actor | None]:
    if base in PUBLIC_WORDS or text in PUBLIC_WORDS:
        guest = next((a for a in g.spec.actors if a.kind == "guest"), None)
        return True, guest
    try:
        found = g.resolver.actor(text)
    except NotUnderstood:
        found = None
    if found is not None:
        return True, found
    if base in GENERIC_ACTOR_WORDS and g.conv.owner is not None:
        return True, g.conv.owner
    return False, None


def _model(g: Context, e: Entities, text: str) -> Model | None:
    level, found = g.resolver.model_levels(text)
    if not found or level > 3:
        return None
    if len(found) > 1:
        names = [m.name for m in found]
        e.ambiguous.append(
            NotUnderstood(
                f"{text!r} is ambiguous: it could be any of {', '.join(names)}; "
                "name the model exactly",
                names,
            )
        )
        return None
    return found[0]


def _is_verb_use(words: list[Word], i: int) -> bool:
    """An operation verb written as a verb (``delete comments``), not a noun (``the
    list``, ``list titles`` when the request is no permission)."""
    w = words[i]
    after_article = i > 0 and words[i - 1].text in ("a", "an", "the", "each", "every")
    return w.base in OPERATION_VERBS and w.text == w.base and i + 1 < len(words) and (
        not after_article
    )


def find_entities(g: Context, reading: Reading, verbs: bool = True) -> Entities:
    """Everything the request names (see the module docstring); ``verbs``: whether a
    word may be an operation's verb (not in a change to a field or a model)."""
    e = Entities()
    words = reading.words
    pending: list[tuple[int, int, Feature]] = []
    has_item_model = bool(g.resolver.model_levels("item")[1])
    for n in (4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            if any(k in e.placed for k in range(i, i + n)):
                continue
            text, base = _span(words, i, n)
            phrase = FEATURE_PHRASES.get(base)
            if n > 1 and phrase is not None and phrase in _BY_KEY:
                e.features.append((i, _BY_KEY[phrase]))
                e.placed.update(range(i, i + n))
                continue
            edge = (words[i], words[i + n - 1])
            if any(w.text in FILLER or w.base in FILLER for w in edge) and not (
                n == 2 and words[i].base in EVERY_WORDS
            ):
                continue
            if (
                n == 2
                and words[i].base in EVERY_WORDS
                and words[i + 1].base in SCOPE_NOUNS
                and not (words[i + 1].base == "item" and has_item_model)
            ):
                e.scope_all = True
                e.placed.update((i, i + 1))
                continue
            if n == 1 and verbs and _is_verb_use(words, i) and _FEATURE_VERBS.get(base) is None:
                e.kinds.append((i, OPERATION_VERBS[base]))
                continue
            if (
                n == 1
                and words[i].text == base
                and base in _FEATURE_VERBS
                and i + 1 < len(words)
                and i > 0
                and (words[i - 1].text in _BEFORE_VERB or (i - 1) in {a for a, _ in e.actors})
            ):
                e.features.append((i, _FEATURE_VERBS[base]))
                e.placed.add(i)
                continue
            feature = _feature(text, base)
            if feature is not None and not (n == 1 and base in AMBIGUOUS_FEATURE_WORDS):
                e.features.append((i, feature))
                e.placed.update(range(i, i + n))
                continue
            is_actor, actor = _actor(g, text, base)
            if is_actor:
                e.actors.append((i, actor))
                e.placed.update(range(i, i + n))
                continue
            model = _model(g, e, text)
            if model is not None:
                e.models.append((i, model))
                e.placed.update(range(i, i + n))
                continue
            if feature is not None:
                pending.append((i, n, feature))
    _find_fields(g, e, words)
    for i, n, feature in pending:
        if not any(k in e.placed for k in range(i, i + n)):
            e.features.append((i, feature))
            e.placed.update(range(i, i + n))
    for i, w in enumerate(words):
        if verbs and i not in e.placed and w.base in OPERATION_VERBS and not e.kinds:
            e.kinds.append((i, OPERATION_VERBS[w.base]))
    e.kinds = [(i, k) for i, k in e.kinds if i not in e.placed]
    e.features.sort(key=lambda f: f[0])
    e.actors.sort(key=lambda a: a[0])
    e.models.sort(key=lambda m: m[0])
    return e


def _find_fields(g: Context, e: Entities, words: list[Word]) -> None:
    """Fields of the models named, in the words left (``the pinned flag`` of articles)."""
    models = list({m.name: m for _, m in e.models}.values())
    for _, actor in e.actors:
        account = g.spec.model(actor.model) if actor is not None else None
        if account is not None and all(m.name != account.name for m in models):
            models.append(account)
    if not models:
        _find_fields_anywhere(g, e, words)
        return
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if any(k in e.placed for k in range(i, i + n)):
                continue
            text, _ = _span(words, i, n)
            if n == 1 and text in FILLER:
                continue
            for model in models:
                name = _field(g, model, text)
                if name is not None:
                    e.fields.append((i, n, model, name))
                    e.placed.update(range(i, i + n))
                    break
    _find_fields_anywhere(g, e, words)
    # a feature word that is a field of a named model is that field
    for i, feature in list(e.features):
        text = words[i].text
        if text not in AMBIGUOUS_FEATURE_WORDS and words[i].base not in AMBIGUOUS_FEATURE_WORDS:
            continue
        for model in models:
            name = _field(g, model, text)
            if name is not None:
                e.features.remove((i, feature))
                e.fields.append((i, 1, model, name))
                break


def _find_fields_anywhere(g: Context, e: Entities, words: list[Word]) -> None:
    """No model is named: a field name (its words, singular or plural) that exactly one
    model has is that model's field (``emails must be unique``)."""
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            if any(k in e.placed for k in range(i, i + n)):
                continue
            text, base = _span(words, i, n)
            if words[i].text in FILLER or words[i + n - 1].text in FILLER:
                continue
            name = text.replace(" ", "_")
            have = [m for m in g.spec.models if name in m.field_names()]
            if not have:
                name = base.replace(" ", "_")
                have = [m for m in g.spec.models if name in m.field_names()]
            if not have and name.endswith("_flag"):
                name = name.removesuffix("_flag")
                have = [m for m in g.spec.models if name in m.field_names()]
            if len(have) == 1:
                e.fields.append((i, n, have[0], name))
                e.anywhere.add(i)
                e.placed.update(range(i, i + n))
            elif len(have) > 1 and name not in ("id", "name", "title", "created_at"):
                e.ambiguous.append(
                    NotUnderstood(
                        f"{base!r} is a field of {', '.join(m.name for m in have)}; "
                        "say which model",
                        [f"{m.name}.{name}" for m in have],
                    )
                )


def field_of(g: Context, model: Model, text: str) -> str | None:
    """The field of ``model`` the words name, None when they name none (public for the
    intent's second look at words first read otherwise)."""
    return _field(g, model, text)


def _field(g: Context, model: Model, text: str) -> str | None:
    names = model.field_names()
    q = text.replace(" ", "_")
    if q in names:
        return q
    head, _, last = text.rpartition(" ")
    if last in ("date", "time", "timestamp") and f"{head.replace(' ', '_')}_at" in names:
        return f"{head.replace(' ', '_')}_at"  # due date -> due_at
    if last in ("date", "time", "timestamp") and head and " " not in head:
        verb = verb_of_nominal(head)  # creation date -> created_at
        if verb is not None and f"{past_participle(verb)}_at" in names:
            return f"{past_participle(verb)}_at"
    try:
        found = g.resolver.field(model, text)
    except NotUnderstood:
        return None
    # the resolver also accepts a name that merely ends with the words; a field only when
    # the words are the field's own words (or its relation's)
    words = set(found.removesuffix("_id").split("_"))
    asked = {singular(w) for w in q.split("_")}
    loose = {"flag", "date", "time", "timestamp"}
    return found if asked <= words | loose and asked - loose else None
