"""Reading input files (spec, change and import files) so that no file can do harm.

A file is read with a size bound (:data:`MAX_INPUT_BYTES`: an endless ``/dev/zero`` or a
huge file is a diagnostic, not exhausted memory), decoded as UTF-8, parsed as JSON or
YAML (a syntax error, a number too long to convert, nesting too deep for the parser: a
diagnostic), and its data walked once, without recursion, for what no input holds:
nesting deeper than :data:`MAX_DEPTH`, more than :data:`MAX_VALUES` values (a YAML alias
bomb) and strings with a lone surrogate (JSON's ``"\\ud800"`` escape: not a character).
Every problem is a :class:`DiagnosticError`, one diagnostic each, its message naming the
file, what is wrong and what is allowed; the message itself never holds the offending
bytes raw.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml

from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError, PathPart, format_path
from autobe_core.spec.text import escape, visible

MAX_INPUT_BYTES = 8 * 1024 * 1024
"""The most a spec, change or import file may hold (AutoBe's largest example is 1.3 MB)."""

MAX_DEPTH = 100
"""The deepest nesting of lists and mappings an input may have (a spec needs about 8)."""

MAX_VALUES = 1_000_000
"""The most values (strings, numbers, lists, mappings) an input may hold."""

Format = Literal["json", "yaml"]


def _fail(code: str, message: str, path: Path, allowed: tuple[str, ...] = ()) -> DiagnosticError:
    return DiagnosticError(
        [Diagnostic("$", code, visible(message), allowed)], visible(f"cannot read {path}")
    )


def read_text(path: Path) -> str:
    """The text of ``path``: at most :data:`MAX_INPUT_BYTES` bytes, UTF-8 (a byte-order
    mark is dropped)."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise _fail("file.unreadable", f"cannot read {path}: {exc.strerror or exc}", path) from None
    if len(raw) > MAX_INPUT_BYTES:
        raise _fail(
            "file.too-large",
            f"{path} holds more than {MAX_INPUT_BYTES // (1024 * 1024)} MB, the most a spec, "
            "change or import file may hold",
            path,
            (f"a file of at most {MAX_INPUT_BYTES // (1024 * 1024)} MB",),
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(
            "file.not-utf8",
            f"{path.name} is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
            "is not part of a character (a binary file, or another encoding?)",
            path,
            ("a YAML or JSON file in UTF-8",),
        ) from None


def format_of(path: Path) -> Format:
    """JSON for ``.json`` files, YAML (a superset of JSON) for everything else."""
    return "json" if path.suffix.lower() == ".json" else "yaml"


def parse_text(text: str, path: Path, fmt: Format | None = None) -> Any:
    """The data of ``text`` (the content of ``path``) as JSON or YAML."""
    fmt = fmt or format_of(path)
    try:
        return json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except RecursionError:
        raise _too_deep([], path) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise _fail(
            "file.syntax",
            f"{path.name} is not valid {fmt.upper()}: {exc}",
            path,
            (f"a {fmt.upper()} document",),
        ) from None


def check_data(data: Any, path: Path) -> Any:
    """``data`` itself when it holds nothing no input should (see the module doc)."""
    problems: list[Diagnostic] = []
    for count, (value, where) in enumerate(_walk(data, path), start=1):
        if count > MAX_VALUES:
            raise _fail(
                "file.too-large",
                f"{path.name} holds more than {MAX_VALUES:,} values (YAML aliases that "
                "repeat a list?)",
                path,
                (f"at most {MAX_VALUES:,} values",),
            )
        if isinstance(value, str):
            surrogate = next((c for c in value if "\ud800" <= c <= "\udfff"), None)
            if surrogate is not None:
                problems.append(
                    Diagnostic(
                        _path(where),
                        "file.not-text",
                        f"this string holds a lone surrogate {escape(surrogate)}, which is "
                        "not a character (a broken \\u escape?)",
                        ("text of whole characters (a pair of \\u escapes for one emoji)",),
                    )
                )
    if problems:
        raise DiagnosticError(problems, visible(f"cannot read {path}"))
    return data


def read_data(path: Path, fmt: Format | None = None) -> Any:
    """The checked data of the JSON or YAML file ``path`` (see the module doc)."""
    return check_data(parse_text(read_text(path), path, fmt), path)


def _walk(data: Any, path: Path) -> Iterator[tuple[Any, list[PathPart]]]:
    """Every value and map key of ``data`` with its path, depth first, no recursion."""
    stack: list[tuple[Any, list[PathPart]]] = [(data, [])]
    while stack:
        value, where = stack.pop()
        if len(where) > MAX_DEPTH:
            raise _too_deep(where, path)
        yield value, where
        if isinstance(value, dict):
            items = list(value.items())
            for key, item in reversed(items):
                part: PathPart = key if isinstance(key, str | int) else str(key)
                yield key, [*where, part]
                stack.append((item, [*where, part]))
        elif isinstance(value, list):
            stack.extend((item, [*where, i]) for i, item in reversed(list(enumerate(value))))


def _path(where: list[PathPart]) -> str:
    return visible(format_path([visible(p) if isinstance(p, str) else p for p in where]))


def _too_deep(where: list[PathPart], path: Path) -> DiagnosticError:
    at = f" at {_path(where[:8])}..." if where else ""
    return _fail(
        "file.too-deep",
        f"{path.name} is nested more than {MAX_DEPTH} levels deep{at} (or a YAML alias "
        "holds itself)",
        path,
        (f"lists and mappings nested at most {MAX_DEPTH} levels deep",),
    )
