"""What the rules understood of a request: its intent, what it names, the field details
it writes in words, and the words they could not place.

:func:`understand` reads the words (:mod:`.reading`), finds the entities anywhere in
them (:mod:`.entities`), and decides the intent from the cue words left, wherever they
stand: a rename ("rename", "call X Y", "should be called"); "only X can ..." (restrict);
an ability ("let", "allow", "can", "be able to", "the ability to") is allowed, or
forbidden when negated ("can no longer", "take away the ability", "prevent", "revoke");
"remove" / "get rid of" / "don't need X anymore"; "make X unique" / "X must be unique";
"track" / "record" / "log"; "add" / "need" / "have" / "give" (or a feature named alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog import Feature
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.morphology import is_adjective
from autobe_core.planning.rules.understand.entities import Entities, field_of, find_entities
from autobe_core.planning.rules.understand.lexicon import (
    ABILITY_WORDS,
    ADD_VERBS,
    AMBIGUOUS_FEATURE_WORDS,
    FILLER,
    FORBID_VERBS,
    LIGHT_VERBS,
    MAKE_VERBS,
    MODIFIERS,
    NEGATIONS,
    REMOVE_VERBS,
    ROLE_NOUNS,
    SOFT_DELETE_WORDS,
    TRACK_VERBS,
    TYPE_NOUNS,
    Intent,
)
from autobe_core.planning.rules.understand.reading import Details, Reading, Word, read
from autobe_core.spec.model import Actor, Model, OperationKind

_RENAME_WORDS = frozenset({"rename", "renamed", "renaming", "call", "called", "named",
                           "retitle", "relabel"})
_SOFT_ADD = frozenset({"need", "want", "have", "get", "require", "keep", "hold", "carry"})
"""Add verbs an ability outranks ("users need to be able to tag lists")."""
_NEGATED_KEEP = frozenset({"need", "want", "use", "keep", "require", "have"})
"""Negated, these remove: "we don't need labels anymore"."""
_NEGATION_TEXTS = NEGATIONS | {"no-longer"}
_SOFT_DELETE_CONTEXT = frozenset({
    "row", "record", "entry", "data", "erase", "delete", "remove", "instead", "permanently",
    "forever", "deleted", "erased", "removed", "recover", "restore", "hide", "hidden", "kept",
    "keep", "deleting", "deletion",
})


@dataclass(frozen=True)
class Understanding:
    """The request, as the rules read it."""

    text: str
    intent: Intent | None
    entities: Entities
    details: Details
    words: tuple[Word, ...]
    free: tuple[Word, ...] = ()
    qualifiers: tuple[Word, ...] = ()
    """Adjectives before what a permission or a feature names (``abusive comments``):
    read, shown in the plan's notes, but no rule the change can enforce."""
    """Words no entity, cue or filler took: a new name where the intent takes one
    (the field of "add a deadline to tasks"), otherwise reported back."""
    modifier: str | None = None
    cues: frozenset[int] = field(default_factory=frozenset)

    # -- what was named

    @property
    def actors(self) -> list[Actor | None]:
        return [a for _, a in self.entities.actors]

    @property
    def models(self) -> list[Model]:
        return list({m.name: m for _, m in self.entities.models}.values())

    @property
    def features(self) -> list[Feature]:
        return list({f.key: f for _, f in self.entities.features}.values())

    @property
    def kinds(self) -> tuple[OperationKind, ...]:
        out: list[OperationKind] = []
        for _, kinds in self.entities.kinds:
            out += [k for k in kinds if k not in out]
        return tuple(out)

    @property
    def fields(self) -> list[tuple[Model, str]]:
        return [(m, f) for _, _, m, f in self.entities.fields]

    def without_free(self) -> Understanding:
        """The same reading with the free words taken (they were read otherwise)."""
        return replace(self, free=())

    def has(self, *texts: str) -> bool:
        return any(w.text in texts or w.base in texts for w in self.words)

    def summary(self) -> dict[str, object]:
        """What was understood, for explanations and the LLM's context."""
        out: dict[str, object] = {"intent": self.intent}
        if self.entities.actors:
            out["actors"] = [a.name if a else "the public" for a in self.actors]
        if self.models:
            out["models"] = [m.name for m in self.models]
        if self.fields:
            out["fields"] = [f"{m.name}.{f}" for m, f in self.fields]
        if self.features:
            out["features"] = [f.key for f in self.features]
        if self.kinds:
            out["operations"] = list(self.kinds)
        if self.entities.scope_all:
            out["scope"] = "every model"
        if self.modifier:
            out["modifier"] = self.modifier
        details = self.details
        if details.values:
            out["values"] = details.values
        if details.minimum is not None or details.maximum is not None:
            out["bounds"] = [details.minimum, details.maximum]
        if details.default is not None:
            out["default"] = details.default
        if self.free:
            out["unplaced"] = [w.text for w in self.free]
        return out

    def describe(self) -> str:
        return "; ".join(
            f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in self.summary().items()
            if v is not None
        )


def _near(words: list[Word], i: int, wanted: frozenset[str], before: int, after: int) -> bool:
    lo, hi = max(0, i - before), min(len(words), i + after + 1)
    return any(words[k].text in wanted or words[k].base in wanted for k in range(lo, hi) if k != i)


def _intent(reading: Reading, e: Entities) -> tuple[Intent | None, set[int], str | None]:
    """The intent, the positions of its cue words, and the modifier adjective."""
    words = reading.words
    free = [w for w in words if w.at not in e.placed]
    cues: set[int] = set()

    def first(wanted: frozenset[str], among: list[Word] = free) -> Word | None:
        return next((w for w in among if w.text in wanted or w.base in wanted), None)

    modifier = next((MODIFIERS[w.text] for w in free if w.text in MODIFIERS), None)
    add = first(ADD_VERBS)
    hard_add = add is not None and add.base not in _SOFT_ADD
    rename = first(_RENAME_WORDS)
    if rename is not None and not (rename.text in ("called", "named") and hard_add):
        cues.add(rename.at)
        return "rename", cues, None
    ability = first(ABILITY_WORDS)
    role = any(w.base in ROLE_NOUNS for w in free)
    if ability is not None and (hard_add and role):
        ability = None
    only = first(frozenset({"only", "solely", "exclusively"}), words)
    forbid = first(FORBID_VERBS)
    if only is not None and (ability is not None or e.kinds):
        return "restrict", cues, modifier
    if forbid is not None:
        cues.add(forbid.at)
        return "forbid", cues, modifier
    if ability is not None:
        negated = _near(words, ability.at, _NEGATION_TEXTS, 3, 2) or _near(
            words, ability.at, REMOVE_VERBS, 3, 0
        )
        cues.add(ability.at)
        return ("forbid" if negated else "allow"), cues, modifier
    keep = first(_NEGATED_KEEP)
    if keep is not None and _near(words, keep.at, _NEGATION_TEXTS, 2, 3):
        cues.add(keep.at)
        return "remove", cues, modifier
    remove = first(REMOVE_VERBS)
    if remove is not None and (add is None or remove.at < add.at):
        cues.add(remove.at)
        return "remove", cues, modifier
    if modifier is not None and not hard_add and (first(MAKE_VERBS) or add is None):
        return "make", cues, modifier
    track = first(TRACK_VERBS)
    if track is not None:
        cues.add(track.at)
        return "track", cues, modifier
    if add is not None:
        cues.add(add.at)
        if role:  # "add an editor role that can update ...": the ability is the role's
            cues.update(w.at for w in free if w.text in ABILITY_WORDS)
        return "add", cues, modifier
    if e.features or reading.details.any():
        return "add", cues, modifier
    return None, cues, modifier


def understand(g: Context, text: str) -> Understanding:
    """Read ``text`` against the project of ``g`` (see the module docstring)."""
    reading = read(text)
    if not reading.words:
        raise NotUnderstood("the request is empty", [])
    e = find_entities(g, reading)
    intent, cues, modifier = _intent(reading, e)
    if intent in ("make", "rename", "remove") and e.kinds:
        e = find_entities(g, reading, verbs=False)  # "list titles": a model, not a verb
    e.kinds = [(i, k) for i, k in e.kinds if i not in cues]  # "add" the cue, not "create"
    words = reading.words
    _second_look(g, e, words, intent)
    if intent in ("add", "track", "remove", "restrict") and not e.features and _keeps_deleted(
        words
    ):
        intent = "add"
        from autobe_core.planning.rules.catalog import find_feature

        soft = find_feature("soft delete")
        if soft is not None:
            e.features.append((0, soft))
            e.placed.update(w.at for w in words if w.text in SOFT_DELETE_WORDS)
    if intent in ("add", "track"):
        _unplace_new_words(e, words, reading.details.any())
        created = [(i, f) for i, f in e.features if f.key == "created_by"]
        if created and any(w.text == "when" for w in words):
            from autobe_core.planning.rules.catalog import find_feature

            audit = find_feature("audit fields")
            if audit is not None:  # who created it, and when: the audit fields
                e.features = [(created[0][0], audit)]
    if intent == "rename":
        _unplace_after_marker(e, words, reading.quoted)
    taken = set(e.placed) | cues
    if intent in ("allow", "forbid", "restrict"):
        taken |= {i for i, _ in e.kinds}
    if intent in ("add", "track") and any(f.key == "soft delete" for _, f in e.features):
        taken |= {w.at for w in words if w.base in _SOFT_DELETE_CONTEXT}
    if e.features:
        taken |= {w.at for w in words if w.base in LIGHT_VERBS}
    free = tuple(
        w
        for w in words
        if w.at not in taken
        and w.text not in FILLER
        and w.base not in FILLER
        and not _is_cue(w)
        and w.text not in MODIFIERS
    )
    qualifiers: tuple[Word, ...] = ()
    if intent in ("allow", "forbid", "restrict") or (intent == "add" and e.features):
        qualifiers = tuple(w for w in free if is_adjective(w.text))
        free = tuple(w for w in free if w not in qualifiers)
    return Understanding(
        text=reading.text,
        qualifiers=qualifiers,
        intent=intent,
        entities=e,
        details=reading.details,
        words=tuple(words),
        free=free,
        modifier=modifier,
        cues=frozenset(cues),
    )


def _unplace_new_words(e: Entities, words: list[Word], details: bool) -> None:
    """In an addition, words read as a feature or as another model's field may be the
    new field's own words: a single ambiguous feature word (``rating``, ``timestamp``)
    when field details are given or other words stand next to it; a field found in a
    model the request does not name."""
    def free_at(k: int) -> bool:
        return 0 <= k < len(words) and k not in e.placed and words[k].text not in FILLER and (
            not _is_cue(words[k])
        )

    # a model's or actor's word right before a free word is that field's word
    # (``a banner color`` on communities, ``a member count``)
    for i, model in list(e.models):
        compound = free_at(i + 1) and any(k > i + 1 and k in e.placed for k in range(len(words)))
        if compound or (free_at(i - 1) and len(e.models) > 1):  # a quality score
            e.models.remove((i, model))
            e.placed.discard(i)
    for i, actor in list(e.actors):
        if free_at(i + 1) and i > 0:
            e.actors.remove((i, actor))
            e.placed.discard(i)
    named = {m.name for _, m in e.models}
    for i, n, model, name in list(e.fields):
        if i in e.anywhere and model.name not in named and named:
            e.fields.remove((i, n, model, name))
            e.placed.difference_update(range(i, i + n))
    for i, feature in list(e.features):
        word = words[i]
        before = i > 0 and (i - 1) not in e.placed and words[i - 1].text not in FILLER
        typed = (
            (word.base in TYPE_NOUNS or word.base in AMBIGUOUS_FEATURE_WORDS)
            and before
            and not _is_cue(words[i - 1])
        ) or (
            word.base in AMBIGUOUS_FEATURE_WORDS
            and i + 1 < len(words)
            and words[i + 1].text in ("count", "counter", "total", "number")
        )
        if typed or (details and word.base in AMBIGUOUS_FEATURE_WORDS | TYPE_NOUNS.keys()):
            e.features.remove((i, feature))
            e.placed.discard(i)


_RENAME_MARKERS = frozenset({"to", "as", "into", "called", "named"})


def _unplace_after_marker(e: Entities, words: list[Word], quoted: set[int]) -> None:
    """In a rename, the words after the last ``to`` / ``as`` / ``called`` are the new
    name, whatever else they could name."""
    marker = max((w.at for w in words if w.text in _RENAME_MARKERS), default=None)
    if quoted:
        marker = min(quoted) - 1
    if marker is None:
        return
    after = set(range(marker + 1, len(words)))
    e.fields = [f for f in e.fields if f[0] not in after]
    e.models = [m for m in e.models if m[0] not in after]
    e.features = [f for f in e.features if f[0] not in after]
    e.actors = [a for a in e.actors if a[0] not in after]
    e.placed -= after


def _keeps_deleted(words: list[Word]) -> bool:
    return any(
        w.base in ("keep", "recover", "restore", "undo", "hide") or w.text == "hidden"
        for w in words
    ) and any(w.text in SOFT_DELETE_WORDS for w in words)


def _second_look(g: Context, e: Entities, words: list[Word], intent: Intent | None) -> None:
    """Words first read as a feature, looked at again once the intent is known: a model
    when a permission or a rename names it (``see every subscription``, ``call wishlists
    ...``), a field in a change to a field (``index posts by their creation date``)."""
    for i, feature in list(e.features):
        if intent in ("allow", "forbid", "restrict", "rename") and (
            intent == "rename" or e.kinds
        ):
            level, found = g.resolver.model_levels(words[i].text)
            if len(found) == 1 and level <= 2:
                e.features.remove((i, feature))
                e.models.append((i, found[0]))
                e.models.sort(key=lambda m: m[0])
                continue
        if intent == "make" and not e.fields:
            for model in [m for _, m in e.models]:
                for n in (3, 2, 1):
                    text = " ".join(w.text for w in words[i : i + n])
                    name = field_of(g, model, text)
                    if name is not None:
                        e.features.remove((i, feature))
                        e.fields.append((i, n, model, name))
                        e.placed.update(range(i, i + n))
                        break
                else:
                    continue
                break


_CUE_WORDS = (
    ADD_VERBS | TRACK_VERBS | REMOVE_VERBS | ABILITY_WORDS | FORBID_VERBS | _NEGATION_TEXTS
    | frozenset({"make", "become", "mark", "rename", "call", "called", "named", "each-other"})
)


def _is_cue(w: Word) -> bool:
    return w.text in _CUE_WORDS or w.base in _CUE_WORDS
