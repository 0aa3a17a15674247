"""Reading a field description in words: ``priority:int``, ``a nullable due date``,
``required integer field estimate``, ``status enum open/closed``, ``string(100) nickname``.

- ``NAME:TYPE`` (or ``NAME as TYPE``, ``NAME of type TYPE``, ``NAME (TYPE)``) names the
  type; otherwise type words *before* the name are the type (``boolean archived``) and
  the name's own words imply it (``due date`` -> datetime, ``is_public`` -> boolean,
  ``avatar url`` -> uri, ``contact email`` -> email);
- ``enum a/b/c`` (or ``one of a, b, c``) makes an enum string;
- ``nullable`` / ``optional`` make it nullable, ``required`` not; ``unique``,
  ``indexed`` and ``searchable`` ask for an index on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.words import PLAIN_WORD, name_of, snake_of
from autobe_core.spec.changeset import IndexKind
from autobe_core.spec.model import FieldFormat, FieldType, PlainField
from autobe_core.spec.naming import field_problem

TYPE_WORDS: dict[str, tuple[FieldType, FieldFormat | None]] = {
    "int": ("int", None),
    "integer": ("int", None),
    "long": ("int", None),
    "double": ("double", None),
    "float": ("double", None),
    "number": ("double", None),
    "decimal": ("double", None),
    "real": ("double", None),
    "numeric": ("double", None),
    "string": ("string", None),
    "str": ("string", None),
    "varchar": ("string", None),
    "text": ("string", None),
    "boolean": ("boolean", None),
    "bool": ("boolean", None),
    "flag": ("boolean", None),
    "datetime": ("datetime", None),
    "date": ("datetime", None),
    "timestamp": ("datetime", None),
    "time": ("datetime", None),
    "uuid": ("uuid", None),
    "guid": ("uuid", None),
    "uri": ("uri", None),
    "url": ("uri", None),
    "link": ("uri", None),
    "email": ("string", "email"),
    "e-mail": ("string", "email"),
}
"""Words that name a type, and the field type (and string format) they mean."""

NULLABLE = {"nullable", "optional"}
REQUIRED = {"required", "mandatory", "non-nullable", "non-null", "not-null"}
NOISE = {"field", "column", "attribute", "property", "called", "named", "new", "a", "an", "the"}
INDEX_WORDS: dict[str, IndexKind] = {"unique": "unique", "indexed": "plain", "searchable": "gin"}

_ENUM = re.compile(
    r"\b(?:enum(?:eration)?|one\s+of)\s*(?:of\s+)?[(\[]?\s*"
    r"(?P<values>[\w-]+(?:\s*(?:/|,|\||\bor\b|\band\b)\s*[\w-]+)+)\s*[)\]]?"
)
_COLON = re.compile(r"(?P<name>[\w-]+)\s*:\s*(?P<type>[\w-]+(?:\(\d+\))?)")
_OF_TYPE = re.compile(r"\s+(?:of\s+type|as|typed|type)\s+(?P<type>[\w-]+(?:\(\d+\))?)\b")
_PAREN = re.compile(r"\s*\((?P<type>[a-z-]+(?:\(\d+\))?)\)")
_SIZED = re.compile(r"^(?P<word>[a-z-]+)\((?P<size>\d+)\)$")

INT_WORDS = {"count", "quantity", "position", "priority", "rank", "order", "age", "year", "level"}
DOUBLE_WORDS = {"price", "amount", "cost", "ratio", "rate", "weight", "latitude", "longitude"}
URI_WORDS = {"url", "uri", "link", "website", "homepage", "href"}
DATE_WORDS = {"date", "time", "datetime", "timestamp", "deadline", "birthday"}


@dataclass(frozen=True)
class FieldRequest:
    field: PlainField
    index: IndexKind | None = None
    explicit: bool = True
    """The words said it is a field: a type, an enum, a modifier, or a name whose words
    imply a type other than string. "add a liking system to articles" is not."""
    required: bool = False
    """The words said it is required ("required", "not null"): otherwise a field added
    to a model that already has rows is nullable, so any project can take it."""


def _type_of(word: str) -> tuple[FieldType, FieldFormat | None, int | None] | None:
    sized = _SIZED.match(word)
    size = int(sized.group("size")) if sized else None
    base = sized.group("word") if sized else word
    found = TYPE_WORDS.get(base)
    if found is None:
        return None
    return found[0], found[1], size


def infer_type(name: str) -> tuple[FieldType, FieldFormat | None]:
    """The type a field name implies when no type is given."""
    words = name.split("_")
    last = words[-1]
    if last == "at" or last in DATE_WORDS or name.endswith("_on"):
        return "datetime", None
    if words[0] in ("is", "has", "can", "should", "allow", "enable") and len(words) > 1:
        return "boolean", None
    if last in ("enabled", "active", "archived", "published", "visible", "done", "pinned"):
        return "boolean", None
    if "email" in words:
        return "string", "email"
    if last in URI_WORDS:
        return "uri", None
    if last in INT_WORDS or (len(words) > 1 and words[0] in ("num", "number")):
        return "int", None
    if last in DOUBLE_WORDS:
        return "double", None
    if last == "id" and len(words) > 1:
        return "uuid", None
    return "string", None


def parse_field(phrase: str) -> FieldRequest:
    """A field from its description in words (see the module docstring)."""
    text = " " + phrase.strip() + " "
    enum: list[str] | None = None
    m = _ENUM.search(text)
    if m:
        values = re.split(r"\s*(?:/|,|\||\bor\b|\band\b)\s*", m.group("values"))
        enum = [(snake_of(v) or v) if PLAIN_WORD.fullmatch(v) else v for v in values if v.strip()]
        text = text[: m.start()] + " " + text[m.end() :]
    type_word: str | None = None
    name_words: list[str] = []
    c = _COLON.search(text)
    if c:
        name_words = [c.group("name")]
        type_word = c.group("type")
        text = text[: c.start()] + " " + text[c.end() :]
    else:
        for pattern in (_OF_TYPE, _PAREN):
            t = pattern.search(text)
            if t and _type_of(t.group("type")):
                type_word = t.group("type")
                text = text[: t.start()] + " " + text[t.end() :]
                break
    nullable: bool | None = None
    index: IndexKind | None = None
    text = re.sub(r"\bnot\s+null\b", " not-null ", text)
    text = re.sub(r"\bnon\s+null(able)?\b", " not-null ", text)
    rest: list[str] = []
    for word in text.split():
        word = word.strip(",")
        if word in NULLABLE:
            nullable = True
        elif word in REQUIRED:
            nullable = False
        elif word in INDEX_WORDS:
            index = INDEX_WORDS[word]
        elif word in NOISE or not word:
            continue
        else:
            rest.append(word)
    if not name_words:
        while len(rest) > 1 and type_word is None and _type_of(rest[0]):
            type_word = rest.pop(0)
        name_words = rest
    elif rest:
        raise NotUnderstood(
            f"cannot read the field {phrase.strip()!r}: unexpected {' '.join(rest)!r}",
            ["add field NAME:TYPE to MODEL"],
        )
    name = name_of(" ".join(name_words), "field") if name_words else ""
    if not name:
        raise NotUnderstood(
            f"cannot read a field name in {phrase.strip()!r}",
            ["add field NAME:TYPE to MODEL", "add a nullable due date to MODEL"],
        )
    problem = field_problem(name)
    if problem:
        raise NotUnderstood(f"{name!r} cannot be a field name: {problem}", [])
    size: int | None = None
    ftype: FieldType
    fmt: FieldFormat | None
    if enum:
        ftype, fmt = "string", None
    elif type_word is not None:
        found = _type_of(type_word)
        if found is None:
            raise NotUnderstood(
                f"unknown field type {type_word!r}",
                sorted({w for w in TYPE_WORDS if len(w) > 3})[:12],
            )
        ftype, fmt, size = found
    else:
        ftype, fmt = infer_type(name)
    max_length: int | None = size
    base_word = (type_word or "").split("(")[0]
    if size is None and ftype == "string" and not enum:
        if fmt == "email":
            max_length = 254
        elif base_word != "text":
            max_length = 255
    if ftype == "uri" and max_length is None:
        max_length = 2000
    field = PlainField(
        name=name,
        type=ftype,
        nullable=bool(nullable),
        format=fmt,
        enum=enum,
        max_length=max_length,
    )
    explicit = bool(
        type_word or enum or nullable is not None or index or (ftype, fmt) != ("string", None)
    )
    return FieldRequest(field, index, explicit, required=nullable is False)
