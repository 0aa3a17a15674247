"""Resolving what a request names to the spec's models, fields, actors and namespaces.

People name things loosely: "todos", "the items", "article comments", "TodoItem",
"comments". A model matches, from the strongest level to the weakest:

1. its name exactly (``todo_items``);
2. its name or its prefix-stripped name with every word in the singular
   (``items``, ``item``, ``todo item``), or its DTO name (``TodoItem``), or its actor's
   name (``users`` -> ``todo_users``);
3. the end of its prefix-stripped name (``comments`` -> ``bbs_article_comments``);
4. the project's table prefix itself (``todos`` in a ``todo_`` project): every content
   model matches, which is always ambiguous.

The strongest level with a match decides; several models at that level are an
ambiguity, reported with the candidates (NotUnderstood), never guessed. Nothing matching
is reported with the closest names (difflib).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.morphology import singular
from autobe_core.planning.rules.words import ARTICLES, singular_words, snake_of
from autobe_core.spec.model import Actor, Model, ProjectSpec
from autobe_core.spec.naming import dto_base

PUBLIC_WORDS = frozenset(
    {
        "anyone",
        "anybody",
        "everyone",
        "everybody",
        "public",
        "the public",
        "all",
        "all users",
        "unauthenticated users",
        "anonymous users",
        "nobody logged in",
    }
)
"""Who an operation is open to when it requires no actor."""


FIELD_NOUNS = frozenset({"field", "column", "attribute", "property"})


def table_prefix(spec: ProjectSpec) -> str:
    """The prefix of whole words the model names share (``bbs_``, ``shopping_mall_``),
    when at least two thirds of the models share it; else the empty string. A longer
    prefix is taken word by word while as many models still share it and it stays a
    proper prefix of their names."""
    names = [m.name for m in spec.models]
    need = max(1, -(-2 * len(names) // 3))
    prefix = ""
    while True:
        heads: dict[str, int] = {}
        for name in names:
            if not name.startswith(prefix):
                continue
            head, sep, rest = name[len(prefix) :].partition("_")
            if sep and rest:
                heads[head] = heads.get(head, 0) + 1
        if not heads:
            return prefix
        head, count = max(heads.items(), key=lambda kv: kv[1])
        if count < need:
            return prefix
        prefix = f"{prefix}{head}_"


def strip_prefix(name: str, prefix: str) -> str:
    return name[len(prefix) :] if prefix and name.startswith(prefix) else name


@dataclass(frozen=True)
class Resolver:
    spec: ProjectSpec
    prefix: str

    @classmethod
    def of(cls, spec: ProjectSpec) -> Resolver:
        return cls(spec, table_prefix(spec))

    # -- models

    def model_levels(self, phrase: str) -> tuple[int, list[Model]]:
        """The strongest level at which models match ``phrase``, and those models."""
        q = snake_of(phrase)
        if not q:
            return 0, []
        sq = singular_words(q)
        actor_models = {a.model for a in self.spec.actors}
        levels: dict[int, list[Model]] = {}
        for m in self.spec.models:
            stripped = strip_prefix(m.name, self.prefix)
            forms = {
                singular_words(m.name),
                singular_words(stripped),
                singular_words(snake_of(dto_base(m))),
            }
            forms |= {singular_words(a.name) for a in self.spec.actors if a.model == m.name}
            if q == m.name:
                level = 1
            elif sq in forms:
                level = 2
            elif singular_words(stripped).endswith("_" + sq):
                level = 3
            elif (
                self.prefix
                and sq == singular(self.prefix.rstrip("_"))
                and (m.name not in actor_models)
            ):
                level = 4
            else:
                continue
            levels.setdefault(level, []).append(m)
        if not levels:
            return 0, []
        best = min(levels)
        return best, levels[best]

    def find_model(self, phrase: str) -> Model | None:
        """The model ``phrase`` names, None when none does; NotUnderstood when several
        do."""
        _, found = self.model_levels(phrase)
        if len(found) == 1:
            return found[0]
        if found:
            names = [m.name for m in found]
            raise NotUnderstood(
                f"{phrase!r} is ambiguous: it could be any of {', '.join(names)}; "
                "name the model exactly",
                names,
            )
        return None

    def model(self, phrase: str) -> Model:
        found = self.find_model(phrase)
        if found is None:
            raise NotUnderstood(
                f"no model matches {phrase!r}; the models are "
                + ", ".join(m.name for m in self.spec.models),
                self.close_models(phrase),
            )
        return found

    def close_models(self, phrase: str) -> list[str]:
        q = snake_of(phrase)
        names = {m.name: m.name for m in self.spec.models}
        names |= {strip_prefix(m.name, self.prefix): m.name for m in self.spec.models}
        hits = difflib.get_close_matches(q, list(names), n=4, cutoff=0.5)
        out = list(dict.fromkeys(names[h] for h in hits))
        return out or [m.name for m in self.spec.models][:6]

    # -- fields

    def field(self, model: Model, phrase: str) -> str:
        """The field of ``model`` that ``phrase`` names (a field name, words of it, a
        relation name, a foreign key without ``_id``)."""
        q = "_".join(w for w in snake_of(phrase).split("_") if w not in FIELD_NOUNS) or snake_of(
            phrase
        )
        names = model.field_names()
        if q in names:
            return q
        sq = singular_words(q)
        levels: dict[int, list[str]] = {}
        for f in model.foreign_fields:
            if snake_of(f.relation.name) == q or f.name in (f"{q}_id", f"{sq}_id"):
                levels.setdefault(1, []).append(f.name)
            elif f.name.endswith(f"_{sq}_id"):
                levels.setdefault(2, []).append(f.name)
        for name in names:
            if singular_words(name) == sq:
                levels.setdefault(1, []).append(name)
            elif name.endswith("_" + q) or name.startswith(q + "_"):
                levels.setdefault(3, []).append(name)
        if levels:
            found = list(dict.fromkeys(levels[min(levels)]))
            if len(found) == 1:
                return found[0]
            raise NotUnderstood(
                f"{phrase!r} is ambiguous in {model.name}: it could be " + ", ".join(found),
                [f"{model.name}.{n}" for n in found],
            )
        close = difflib.get_close_matches(q, names, n=4, cutoff=0.5)
        raise NotUnderstood(
            f"model {model.name} has no field {phrase!r}; its fields are " + ", ".join(names),
            [f"{model.name}.{n}" for n in (close or names)],
        )

    # -- actors

    def actor(self, phrase: str) -> Actor | None:
        """The actor ``phrase`` names; None for the public ("anyone"). NotUnderstood
        when no actor matches."""
        text = " ".join(w for w in phrase.split() if w not in ARTICLES).strip()
        if text in PUBLIC_WORDS:
            return None
        q = singular_words(snake_of(text))
        for a in self.spec.actors:
            if q in (a.name, singular_words(a.name)):
                return a
        by_kind = [a for a in self.spec.actors if a.kind == q]
        if len(by_kind) == 1:
            return by_kind[0]
        for a in self.spec.actors:
            stripped = strip_prefix(a.model, self.prefix)
            if q in (singular_words(a.model), singular_words(stripped)):
                return a
        if q in ("guest", "visitor", "anonymous") and not any(
            a.kind == "guest" for a in self.spec.actors
        ):
            return None
        names = [a.name for a in self.spec.actors]
        raise NotUnderstood(
            f"no actor matches {phrase!r}; the actors are {', '.join(names) or 'none'} "
            "(or 'anyone' for a public operation)",
            difflib.get_close_matches(q, names, n=3, cutoff=0.3) or names,
        )

    # -- namespaces

    def namespace(self, phrase: str) -> str | None:
        q = snake_of(phrase)
        for ns in self.spec.namespaces():
            if snake_of(ns) == q or singular_words(snake_of(ns)) == singular_words(q):
                return ns
        return None
