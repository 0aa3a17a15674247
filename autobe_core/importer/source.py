"""Finding, reading and shape-checking an AutoBe project's two ASTs.

Everything wrong with the input is a :class:`Diagnostic` whose path names the file and
the JSON path inside it (``prisma.json:$.files[1].models[3].stance``), and all of them
are raised together as one :class:`DiagnosticError` before anything is mapped, so an
import either starts from well-formed input or creates nothing.

Checked here: the files exist and are JSON (a truncated file names the line and column),
the top level is the AST it should be (``files`` for the database, ``operations`` for
the API), every node has the shape :mod:`autobe_core.importer.ast` declares (unknown
stances, field types, methods, actor kinds), and the references inside the input hold:
relation targets and index fields name existing models and fields, model names are
unique, and every ``$ref`` and body type names an existing schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from autobe_core.importer.ast import DocDocument, PrismaApplication
from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError, PathPart, format_path
from autobe_core.spec.files import check_data, read_data, read_text

PRISMA_FILE = "prisma.json"
DOCUMENT_FILE = "document.json"
AUTOBE_DIR = "autobe"
REF_PREFIX = "#/components/schemas/"
SUMMARY = "the input is not a well-formed AutoBe project"

T = TypeVar("T", bound=BaseModel)


def where(file: str, parts: Sequence[PathPart] = ()) -> str:
    """``prisma.json:$.files[0].models[2]``: a JSON path into one source file."""
    return f"{file}:{format_path(list(parts))}"


@dataclass(frozen=True)
class SourceFiles:
    """The AST files of one AutoBe project (the API AST may be missing)."""

    prisma: Path
    document: Path | None
    label: str
    """How the report names the source: the project folder, or the files given."""


@dataclass(frozen=True)
class AutobeSource:
    files: SourceFiles
    prisma: PrismaApplication
    document: DocDocument | None


def locate(paths: Sequence[Path]) -> SourceFiles:
    """A project folder (``DIR/autobe/prisma.json`` or ``DIR/prisma.json``), one
    ``prisma.json``, or the two files in either order."""
    if not paths or len(paths) > 2:
        raise DiagnosticError(
            [Diagnostic("$", "import.arguments", "give one AutoBe project folder, or "
                        "its prisma.json and (optionally) its document.json",
                        ("DIR", "prisma.json", "prisma.json document.json"))],
            "nothing to import",
        )
    if len(paths) == 1 and paths[0].is_dir():
        folder = paths[0]
        for base in (folder / AUTOBE_DIR, folder):
            if (base / PRISMA_FILE).is_file():
                document = base / DOCUMENT_FILE
                return SourceFiles(
                    base / PRISMA_FILE, document if document.is_file() else None, str(folder)
                )
        raise DiagnosticError(
            [Diagnostic("$", "import.not-autobe",
                        f"{folder} holds no {AUTOBE_DIR}/{PRISMA_FILE}: it is not an "
                        "AutoBe project folder",
                        (f"{AUTOBE_DIR}/{PRISMA_FILE}", f"{AUTOBE_DIR}/{DOCUMENT_FILE}"))],
            SUMMARY,
        )
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise DiagnosticError(
            [Diagnostic("$", "file.unreadable", f"{p} is not a file") for p in missing],
            SUMMARY,
        )
    if len(paths) == 1:
        return SourceFiles(paths[0], None, str(paths[0]))
    first, second = paths
    # the two files in either order: the API AST is the one with "operations"
    if _looks_like_document(first) and not _looks_like_document(second):
        first, second = second, first
    return SourceFiles(first, second, f"{first} + {second}")


def _looks_like_document(path: Path) -> bool:
    try:
        data = read_data(path, "json")
    except DiagnosticError:
        return path.name == DOCUMENT_FILE
    return isinstance(data, dict) and "operations" in data


def read_source(files: SourceFiles) -> AutobeSource:
    """Parse and check both files; every problem of both at once, or the source."""
    problems: list[Diagnostic] = []
    prisma_data = _load_json(files.prisma, PRISMA_FILE, "files", problems)
    document_data = (
        _load_json(files.document, DOCUMENT_FILE, "operations", problems)
        if files.document is not None
        else None
    )
    prisma = (
        _parse(PrismaApplication, prisma_data, PRISMA_FILE, problems)
        if prisma_data is not None
        else None
    )
    document = (
        _parse(DocDocument, document_data, DOCUMENT_FILE, problems)
        if document_data is not None
        else None
    )
    if prisma is not None:
        problems += list(check_prisma(prisma))
    if document is not None:
        problems += list(check_document(document))
    if problems or prisma is None:
        raise DiagnosticError(problems, SUMMARY)
    return AutobeSource(files, prisma, document)


def _load_json(path: Path, label: str, key: str, problems: list[Diagnostic]) -> Any:
    try:  # bounded, UTF-8; nesting, size and text checked below (check_data)
        text = read_text(path)
    except DiagnosticError as exc:
        problems += [replace(d, path=where(label)) for d in exc.diagnostics]
        return None
    try:
        data = check_data(json.loads(text), path)
    except DiagnosticError as exc:
        problems += [replace(d, path=where(label) + d.path[1:]) for d in exc.diagnostics]
        return None
    except RecursionError:
        problems.append(Diagnostic(
            where(label), "file.too-deep", f"{path.name} is nested too deep to read",
            ("a JSON document as AutoBe writes it",),
        ))
        return None
    except json.JSONDecodeError as exc:
        truncated = " (the file ends early: truncated?)" if exc.pos >= len(text.rstrip()) else ""
        problems.append(Diagnostic(
            where(label),
            "import.json-syntax",
            f"{path.name} is not valid JSON{truncated}: "
            f"{exc.msg} at line {exc.lineno} column {exc.colno}",
            ("a complete JSON document as AutoBe writes it",),
        ))
        return None
    except ValueError as exc:  # a number too long to convert
        problems.append(Diagnostic(
            where(label), "import.json-syntax", f"{path.name} is not valid JSON: {exc}",
            ("a complete JSON document as AutoBe writes it",),
        ))
        return None
    if not isinstance(data, dict) or key not in data:
        found = sorted(data)[:8] if isinstance(data, dict) else [type(data).__name__]
        what = "database AST (prisma.json)" if key == "files" else "API AST (document.json)"
        problems.append(Diagnostic(
            where(label),
            "import.not-autobe",
            f"{path.name} is not AutoBe's {what}: its top level has no {key!r} "
            f"(found: {', '.join(found) or 'nothing'})",
            (key,),
        ))
        return None
    return data


def _parse(
    cls: type[T], data: Any, label: str, problems: list[Diagnostic]
) -> T | None:
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and "[" in p)]
            ctx = err.get("ctx") or {}
            allowed = (str(ctx["expected"]),) if "expected" in ctx else ()
            problems.append(
                Diagnostic(where(label, loc), f"import.shape.{err['type']}", err["msg"], allowed)
            )
        return None


# --------------------------------------------------------------------------- references


def check_prisma(app: PrismaApplication) -> Iterator[Diagnostic]:
    names: dict[str, list[PathPart]] = {}
    for i, file in enumerate(app.files):
        for j, model in enumerate(file.models):
            path: list[PathPart] = ["files", i, "models", j]
            if model.name in names:
                yield Diagnostic(
                    where(PRISMA_FILE, [*path, "name"]), "import.duplicate-model",
                    f"model {model.name!r} is declared twice (first at "
                    f"{where(PRISMA_FILE, names[model.name])})",
                )
            else:
                names[model.name] = path
    for i, file in enumerate(app.files):
        for j, model in enumerate(file.models):
            path = ["files", i, "models", j]
            fields = (
                [model.primary_field.name]
                + [f.name for f in model.foreign_fields]
                + [f.name for f in model.plain_fields]
            )
            seen: set[str] = set()
            for k, name in enumerate(fields):
                if name in seen:
                    yield Diagnostic(
                        where(PRISMA_FILE, [*path, *_field_part(model.foreign_fields, k)]),
                        "import.duplicate-field",
                        f"model {model.name!r} declares field {name!r} twice",
                    )
                seen.add(name)
            for k, f in enumerate(model.foreign_fields):
                if f.relation.target_model not in names:
                    yield Diagnostic(
                        where(PRISMA_FILE, [*path, "foreignFields", k, "relation", "targetModel"]),
                        "import.dangling-relation",
                        f"relation {model.name}.{f.relation.name} targets model "
                        f"{f.relation.target_model!r}, which prisma.json does not declare",
                        tuple(sorted(names)),
                    )
            for key, indexes in (
                ("uniqueIndexes", [ix.field_names for ix in model.unique_indexes]),
                ("plainIndexes", [ix.field_names for ix in model.plain_indexes]),
                ("ginIndexes", [[ix.field_name] for ix in model.gin_indexes]),
            ):
                for k, field_names in enumerate(indexes):
                    for m, name in enumerate(field_names):
                        if name not in seen:
                            tail: list[PathPart] = (
                                ["fieldName"] if key == "ginIndexes" else ["fieldNames", m]
                            )
                            yield Diagnostic(
                                where(PRISMA_FILE, [*path, key, k, *tail]),
                                "import.unknown-index-field",
                                f"an index of model {model.name!r} names unknown field {name!r}",
                                tuple(fields),
                            )


def _field_part(foreign: Sequence[object], k: int) -> list[PathPart]:
    """Path of the k-th field in the order primary, foreign..., plain..."""
    if k == 0:
        return ["primaryField", "name"]
    if k - 1 < len(foreign):
        return ["foreignFields", k - 1, "name"]
    return ["plainFields", k - 1 - len(foreign), "name"]


def check_document(doc: DocDocument) -> Iterator[Diagnostic]:
    schemas = doc.components.schemas
    known = sorted(schemas)
    for name, schema in schemas.items():
        yield from _check_refs(schema, ["components", "schemas", name], schemas, known)
    for i, op in enumerate(doc.operations):
        for key, body in (("requestBody", op.request_body), ("responseBody", op.response_body)):
            if body is not None and body.type_name not in schemas:
                yield Diagnostic(
                    where(DOCUMENT_FILE, ["operations", i, key, "typeName"]),
                    "import.unknown-type",
                    f"{op.endpoint} uses type {body.type_name!r}, which "
                    "components.schemas does not define",
                    tuple(known),
                )


def _check_refs(
    node: Any, path: list[PathPart], schemas: dict[str, Any], known: list[str]
) -> Iterator[Diagnostic]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None:
            target = ref.removeprefix(REF_PREFIX) if isinstance(ref, str) else None
            if target is None or not ref.startswith(REF_PREFIX) or target not in schemas:
                yield Diagnostic(
                    where(DOCUMENT_FILE, [*path, "$ref"]),
                    "import.dangling-ref",
                    f"$ref {ref!r} does not name a schema of components.schemas",
                    tuple(REF_PREFIX + k for k in known),
                )
        for key, value in node.items():
            if key != "$ref":
                yield from _check_refs(value, [*path, key], schemas, known)
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _check_refs(value, [*path, k], schemas, known)
