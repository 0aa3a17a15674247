"""Safe emission of Python source: every string a generator writes goes through here.

Names are validated before generation (see ``spec.naming``); free text (descriptions,
messages, enum values) can hold anything, so it only ever reaches generated code as a
literal produced by :func:`py_str` or a docstring produced by :func:`docstring`.
"""

from __future__ import annotations

import textwrap


def py_str(value: str) -> str:
    """A Python string literal whose value is exactly ``value`` (quotes, newlines,
    backslashes and non-printables all escaped)."""
    return repr(value)


def docstring(text: str, indent: str = "", width: int = 88) -> str:
    """A triple-quoted docstring line(s) for ``text``, escaped, wrapped, indented.

    Empty text gives an empty string (no docstring emitted).
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        return ""
    escaped = cleaned.replace("\\", "\\\\").replace('"', '\\"')
    lines = textwrap.wrap(
        escaped, width=max(20, width - len(indent)), break_long_words=False, break_on_hyphens=False
    ) or [escaped]
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "\n".join(f"{indent}{line}" for line in lines)
    return f'{indent}"""\n{body}\n{indent}"""\n'


def comment(text: str) -> str:
    """A single-line ``#`` comment; newlines cannot end the comment early."""
    return "# " + " ".join(text.split())
