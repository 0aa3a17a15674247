"""What free text may hold, and how any text is shown so that nothing in it acts.

Free text (descriptions, summaries, titles, request words) reaches generated code, the
history and the terminal. Two rules keep each of them safe:

- :func:`text_problem`: why a text is not acceptable input. No control character (C0,
  DEL, C1), except newline and tab in prose (descriptions); no lone surrogate (half of a
  UTF-16 pair: not a character, and no file or database can store it as UTF-8).
- :func:`visible`: the text with every character a terminal or an editor would act on
  written as its Python escape (``\\x1b``, ``\\u202e``): control characters but newline
  and tab, lone surrogates, and the bidirectional overrides that reorder what is shown.
  Text without them comes back unchanged. The CLI shows every user or model text through
  it; the generator's docstrings and comments use it too.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Characters that reorder the text shown around them ("Trojan source")."""

PROSE_WHITESPACE = "\n\t"
"""The control characters prose may hold."""

ALLOWED_PROSE = (
    "text without control characters (newline and tab are allowed) and without "
    "lone surrogates",
)
ALLOWED_LINE = ("one line of text without control characters or lone surrogates",)

_SHOWN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS)) + "]"
)
"""What :func:`visible` escapes: C0 but newline and tab, DEL, C1, surrogates, bidi."""


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape(char: str) -> str:
    """One character as Python writes it escaped: ``\\x1b``, ``\\u202e``, ``\\ud800``."""
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with everything a terminal would act on escaped (see the module doc)."""
    if not _SHOWN.search(text):
        return text
    return _SHOWN.sub(lambda m: escape(m.group()), text)


_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""Every character :func:`text_problem` may refuse: Unicode's Cc (C0, DEL, C1) and Cs
(surrogates), exactly."""


def text_problem(text: str, *, prose: bool) -> str | None:
    """Why ``text`` is not acceptable free text (None: it is); ``prose`` allows
    newlines and tabs."""
    probe = text.replace("\n", "").replace("\t", "") if prose else text
    if probe.isprintable() or not _REFUSED.search(probe):
        return None  # printable text holds no Cc or Cs character (the common case, fast)
    for position, char in enumerate(text):
        if prose and char in PROSE_WHITESPACE:
            continue
        category = unicodedata.category(char)
        if category == "Cs":
            return (
                f"it holds a lone surrogate {escape(char)} at position {position}, "
                "which is not a character"
            )
        if category == "Cc":
            kind = "a line break" if char in "\n\r" else "the control character"
            return f"it holds {kind} {escape(char)} at position {position}"
    return None


def cleaned(text: str, *, prose: bool) -> str:
    """``text`` made acceptable (:func:`text_problem` finds nothing), keeping what it
    says: line breaks become newlines in prose and spaces in a line, tabs spaces in a
    line, and every other control character or lone surrogate its written escape."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not prose:
        text = text.replace("\n", " ").replace("\t", " ")
    kept = PROSE_WHITESPACE if prose else ""
    return "".join(
        c if c in kept or unicodedata.category(c) not in ("Cc", "Cs") else escape(c)
        for c in text
    )


def storable_problem(text: str) -> str | None:
    """Why ``text`` cannot be recorded as it is (a NUL or a lone surrogate), or None:
    what the history keeps of a request or an author, whatever else it holds."""
    for position, char in enumerate(text):
        if char == "\x00" or unicodedata.category(char) == "Cs":
            return f"it holds {escape(char)} at position {position}, which cannot be stored"
    return None
