"""Safe emission of Python source: every string a generator writes goes through here.

Names are validated before generation (see ``spec.naming``); free text (descriptions,
messages, enum values) can hold anything, so it only ever reaches generated code as a
literal produced by :func:`py_str`, a docstring produced by :func:`docstring` or a comment
produced by :func:`comment`. Validation refuses control characters in free text; these
functions do not rely on it: whatever the text, the source they return holds no NUL, no
other control character but newline, no lone surrogate and no bidirectional override
(each written as its escape), so it always compiles and always encodes as UTF-8. Text
without such characters is written exactly as before.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Sequence

from autobe_core.spec.text import visible


def py_str(value: str) -> str:
    """A Python string literal whose value is exactly ``value`` (quotes, newlines,
    backslashes and non-printables all escaped)."""
    return repr(value)


@functools.lru_cache(maxsize=8192)
def docstring(text: str, indent: str = "", width: int = 88) -> str:
    """A triple-quoted docstring line(s) for ``text``, escaped, wrapped, indented.

    Empty text gives an empty string (no docstring emitted). A pure function of its
    strings, cached: a spec's descriptions recur in many modules.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        return ""
    escaped = visible(cleaned.replace("\\", "\\\\").replace('"', '\\"'))
    lines = textwrap.wrap(
        escaped, width=max(20, width - len(indent)), break_long_words=False, break_on_hyphens=False
    ) or [escaped]
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "\n".join(f"{indent}{line}" for line in lines)
    return f'{indent}"""\n{body}\n{indent}"""\n'


def docstring_blocks(blocks: Sequence[Sequence[str]], width: int = 88) -> str:
    """A module docstring of paragraphs: each block's lines escaped as :func:`docstring`
    escapes text and wrapped (a line starting ``- `` continues indented two spaces),
    blocks separated by an empty line. Tools that show a docstring's first paragraph (Alembic
    logs a migration's) show only the first block."""
    rendered: list[str] = []
    for block in blocks:
        lines: list[str] = []
        for line in block:
            cleaned = " ".join(line.split())
            if not cleaned:
                continue
            escaped = visible(cleaned.replace("\\", "\\\\").replace('"', '\\"'))
            hanging = "  " if escaped.startswith("- ") else ""
            lines += textwrap.wrap(escaped, width=width, subsequent_indent=hanging,
                                   break_long_words=False, break_on_hyphens=False) or [escaped]
        if lines:
            rendered.append("\n".join(lines))
    if not rendered:
        return ""
    return '"""\n' + "\n\n".join(rendered) + '\n"""\n'


def comment(text: str) -> str:
    """A single-line ``#`` comment; newlines cannot end the comment early, and other
    control characters are shown escaped."""
    return "# " + visible(" ".join(text.split()))
