"""Reading a request into words: the normalized text, the field details written in
words (value lists, bounds, defaults), and each word with its base form.

- contractions are opened (``can't`` -> ``can not``) and fixed phrases become one word
  (``get rid of`` -> ``remove``, ``no longer`` -> ``no-longer``, ``each other``);
- possessives lose their ``'s`` and quotes around a word go (``call lists 'projects'``);
- ``with values new, paid and shipped`` / ``one of a, b or c`` is a value list,
  ``from 1 to 5`` / ``between 1 and 5`` / ``at least 0`` / ``at most 10`` are bounds,
  ``defaulting to open`` / ``default 0`` a default: they are taken out of the words, so
  they are never read as names of models;
- each word gets its base form from lemminflect: a noun in the singular, else a verb's
  lemma (``uploads`` / ``uploaded`` / ``uploading`` -> ``upload``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.morphology import is_noun, singular, verb_lemma
from autobe_core.planning.rules.words import NAME_RULE, normalize

_CONTRACTIONS = (
    (r"\bcan't\b|\bcannot\b", "can not"),
    (r"\bwon't\b", "will not"),
    (r"\b(do|does|did|should|must|could|would|is|are|was|were|has|have)n't\b", r"\1 not"),
    (r"\bdont\b", "do not"),
    (r"\b(i|we|you|they)'(?:d|ll|re|ve|m)\b", r"\1"),
)

_PHRASES = (
    (r"\bget\s+rid\s+of\b", "remove"),
    (r"\bdo\s+away\s+with\b", "remove"),
    (r"\btake\s+out\b", "remove"),
    (r"\b(?:take|took|taking)\s+away\b", "revoke"),
    (r"\bkeep\s+track\s+of\b", "track"),
    (r"\bkeep\s+a\s+record\s+of\b", "record"),
    (r"\bno\s+longer\b|\bnot\s+anymore\b|\bany\s+longer\b", "no-longer"),
    (r"\beach\s+other\b|\bone\s+another\b", "each-other"),
    (r"\b(?:set\s+up|turn\s+on|switch\s+on)\b", "add"),
    (r"\b(?:turn|switch)\s+off\b", "disable"),
    (r"\bfrom\s+now\s+on\b|\bgoing\s+forward\b|\bin\s+the\s+future\b", ""),
    (r"\bmake\s+sure\s+(?:that\s+)?", ""),
    (r"\bso\s+that\b.*$", ""),
    (r"\bthumbs\s+up\b", "thumbs-up"),
    (r"\b(?:see|view|get|read|browse)\s+(?:the|a)\s+(?:full\s+)?list\s+of\b", "list"),
    (r"\b(?:the|a)\s+(?:full\s+)?list\s+of\b", ""),
)

_NUMBER = r"-?\d+(?:\.\d+)?"
_LIST_WORD = r"[a-z][a-z0-9_-]*"
_VALUES = re.compile(
    r"(?:,?\s*(?:with|having|taking)\s+(?:the\s+)?(?:possible\s+|allowed\s+)?"
    r"(?:values?|options?|states?|choices?)(?:\s+of)?|"
    r",?\s*(?:that|which)\s+(?:can|could|may)\s+be|,?\s*(?:being\s+)?one\s+of|"
    r",?\s*(?:values?|options?)\s*:)\s*:?\s*"
    rf"(?P<values>{_LIST_WORD}(?:\s*(?:,|/|\|)\s*(?:(?:and|or)\s+)?{_LIST_WORD}|"
    rf"\s+(?:and|or)\s+{_LIST_WORD})+)"
)
_SLASHED = re.compile(rf"\b(?P<values>{_LIST_WORD}(?:/{_LIST_WORD})+)\b")
_BETWEEN = re.compile(
    rf"\b(?:from|between|in\s+the\s+range(?:\s+of)?|ranging\s+from)\s+(?P<lo>{_NUMBER})\s*"
    rf"(?:to|and|-|through|until)\s*(?P<hi>{_NUMBER})\b|\b(?P<lo2>{_NUMBER})\s*(?:-|to)\s*"
    rf"(?P<hi2>{_NUMBER})\b"
)
_AT_LEAST = re.compile(
    rf"\b(?:at\s+least|no\s+less\s+than|minimum(?:\s+of)?|min)\s+(?P<n>{_NUMBER})\b"
)
_AT_MOST = re.compile(
    rf"\b(?:at\s+most|no\s+more\s+than|up\s+to|maximum(?:\s+of)?|max)\s+(?P<n>{_NUMBER})\b"
)
_DEFAULT = re.compile(
    r",?\s*(?:that\s+|which\s+)?(?:defaults?|defaulting)\s+(?:to\s+|is\s+|of\s+)?"
    r"(?P<v>-?[\w.]+)|,?\s*(?:by\s+default|initially)\s+(?P<v2>-?[\w.]+)|"
    r",?\s*(?:starting|starts)\s+(?:at|as)\s+(?P<v3>-?[\w.]+)"
)


@dataclass(frozen=True)
class Word:
    text: str
    base: str
    """Singular noun or verb lemma (lemminflect)."""
    at: int


@dataclass
class Details:
    """Field details written in words."""

    values: list[str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: str | None = None

    def any(self) -> bool:
        return bool(
            self.values or self.minimum is not None or self.maximum is not None or self.default
        )


@dataclass
class Reading:
    text: str
    """The normalized request, details taken out."""
    words: list[Word] = field(default_factory=list)
    details: Details = field(default_factory=Details)
    quoted: set[int] = field(default_factory=set)
    """Positions of words the request put in quotes (a new name, as written)."""

    def bases(self) -> list[str]:
        return [w.base for w in self.words]


def base_of(word: str) -> str:
    """A noun in the singular (``ratings`` -> ``rating``), else a verb's lemma
    (``uploaded`` -> ``upload``)."""
    if is_noun(word):
        return singular(word)
    noun = singular(word)
    if noun != word:
        return noun
    return verb_lemma(word)


def _details(text: str) -> tuple[str, Details]:
    details = Details()
    m = _VALUES.search(text) or _SLASHED.search(text)
    if m:
        raw = re.split(r"\s*(?:,|/|\|)\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+", m.group("values"))
        details.values = [v.strip() for v in raw if v.strip()]
        text = text[: m.start()] + " " + text[m.end() :]
    m = _DEFAULT.search(text)
    if m:
        details.default = m.group("v") or m.group("v2") or m.group("v3")
        text = text[: m.start()] + " " + text[m.end() :]
    m = _BETWEEN.search(text)
    if m:
        lo, hi = m.group("lo") or m.group("lo2"), m.group("hi") or m.group("hi2")
        details.minimum, details.maximum = float(lo), float(hi)
        text = text[: m.start()] + " " + text[m.end() :]
    for pattern, attr in ((_AT_LEAST, "minimum"), (_AT_MOST, "maximum")):
        m = pattern.search(text)
        if m:
            setattr(details, attr, float(m.group("n")))
            text = text[: m.start()] + " " + text[m.end() :]
    return text, details


_SYMBOLS = re.compile(r"[^a-z0-9\s',./!?:\-]")


def read(text: str) -> Reading:
    """The words of ``text`` and the field details it writes in words. Symbols other
    than punctuation are never read past (a name is not made by dropping them)."""
    text = normalize(text)
    bad = _SYMBOLS.search(text)
    if bad is not None:
        raise NotUnderstood(
            f"the request holds {bad.group()!r}, which the rules do not read: {NAME_RULE}", []
        )
    for pattern, replacement in _CONTRACTIONS:
        text = re.sub(pattern, replacement, text)
    for pattern, replacement in _PHRASES:
        text = re.sub(pattern, replacement, text)
    quoted_words: set[str] = set()
    for m in re.finditer(r"(?:^|(?<=\s))'([^'\s]+(?:\s[^'\s]+)*)'(?=\s|$|,)", text):
        quoted_words.update(m.group(1).split())
    text = re.sub(r"(?:^|(?<=\s))'([^'\s]+(?:\s[^'\s]+)*)'(?=\s|$|,)", r"\1", text)
    text = re.sub(r"(?<=\w)'s\b|(?<=s)'(?=\s|$)", "", text)
    text, details = _details(text)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    words: list[Word] = []
    for raw in re.split(r"[\s,;:]+", text):
        raw = raw.strip(".!?")
        if raw:
            words.append(Word(raw, base_of(raw), len(words)))
    quoted = {w.at for w in words if w.text in quoted_words}
    return Reading(text, words, details, quoted)
