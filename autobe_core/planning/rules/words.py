"""Text helpers of the rule planner: normalizing a request and the names it builds.

Requests are matched case-insensitively after :func:`normalize`: lower case, quotes and
trailing punctuation dropped, polite openings ("please", "can you", "I want to") removed,
whitespace collapsed. Names are built in the spec's styles: snake_case for models and
fields, camelCase for path parameters and relations, kebab-case for path segments.

A new name (of a field, a model, a namespace) is taken only as the user wrote it
(:func:`name_of`): every word of the phrase must be a plain word (ASCII letters and
digits, joined by ``_`` or ``-``), so ``due date`` is ``due_date`` but ``🎉:string`` or
``x; import os`` is refused, never guessed into ``string`` or ``x_import_os``.
"""

from __future__ import annotations

import re

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.morphology import plural, singular

ARTICLES = frozenset({"a", "an", "the", "some", "new", "another"})
"""Words a reference or a field description may carry that mean nothing to the rules."""

_POLITE = re.compile(
    r"^(?:(?:please|pls|kindly|ok|okay|now|then|also|and)\s+|"
    r"(?:can|could|would|will)\s+you\s+(?:please\s+)?|"
    r"(?:i|we)\s+(?:want|need|would\s+like|'d\s+like|d\s+like)\s+(?:to\s+|you\s+to\s+)?|"
    r"(?:i|we)'d\s+like\s+(?:to\s+)?|let's\s+|lets\s+(?=add|remove|rename|make|index)|"
    r"go\s+ahead\s+and\s+)+"
)


def normalize(text: str) -> str:
    """The request in the form the grammar reads."""
    text = text.strip().lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[\"`]", "", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"[.!?;]+$", "", text).strip()
    text = _POLITE.sub("", text)
    text = re.sub(r"\s+please$", "", text)
    return text.strip()


def tokens(text: str) -> list[str]:
    """Words of a phrase; articles dropped, possessives stripped."""
    out: list[str] = []
    for word in re.split(r"[\s]+", text.strip()):
        word = word.strip(",")
        if word.endswith("'s"):
            word = word[:-2]
        word = word.rstrip("'")
        if word and word not in ARTICLES:
            out.append(word)
    return out


def snake_of(text: str) -> str:
    """``due date`` / ``due-date`` / ``dueDate`` -> ``due_date``."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text.strip())
    parts = [w for w in re.split(r"[^A-Za-z0-9]+", text.lower()) if w and w not in ARTICLES]
    return "_".join(parts)


PLAIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*")
"""A word a name is made of, as written: ``due``, ``due_date``, ``due-date``, ``dueDate``."""

NAME_RULE = (
    "a name is plain words of ASCII letters and digits (snake_case like due_date, "
    "or words like 'due date'), as it will be stored"
)


def name_of(phrase: str, what: str) -> str:
    """The snake_case name the words of ``phrase`` spell, one word for one part; a word
    that is not a plain word (symbols, punctuation, other alphabets) is refused
    (NotUnderstood naming it), never stripped into a different name."""
    words = phrase.split()
    bad = next((w for w in words if not PLAIN_WORD.fullmatch(w)), None)
    if bad is not None or not words:
        raise NotUnderstood(
            f"{bad if bad is not None else phrase!r} cannot be a {what} name: {NAME_RULE}",
            [],
        )
    return snake_of(phrase)


def singular_words(snake: str) -> str:
    """Every word of a snake_case name in the singular: ``todo_items`` -> ``todo_item``."""
    return "_".join(singular(w) for w in snake.split("_") if w)


def plural_snake(snake: str) -> str:
    """The last word of a snake_case name in the plural: ``article_comment`` ->
    ``article_comments``."""
    head, _, last = snake.rpartition("_")
    return f"{head}_{plural(last)}" if head else plural(last)


def camel(snake: str) -> str:
    """``article_comment`` -> ``articleComment``."""
    parts = [p for p in snake.split("_") if p]
    if not parts:
        return snake
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def kebab(snake: str) -> str:
    return snake.replace("_", "-")


def join_words(items: list[str], conjunction: str = "and") -> str:
    """``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
