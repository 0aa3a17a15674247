"""The import report: what was imported, and everything that was not imported as is.

Every note names where in the source it comes from (a JSON path into ``prisma.json`` or
``document.json``), what it is about, and why. Kinds of note:

- ``renamed``: a name the generated code cannot use (an SQL reserved word, an attribute
  SQLAlchemy or pydantic owns) was given a valid name with the same meaning;
- ``approximated``: the spec holds something close to, but not exactly, what AutoBe
  describes (a DTO that differs from the derived one, a nullable foreign key to break a
  cycle, a conflicting constraint);
- ``dropped``: something AutoBe describes that the spec has no place for;
- ``unrealized``: an operation imported as ``custom`` (a 501 handler keeping AutoBe's
  description and specification) until it is realized;
- ``warning``: the input is odd but was imported faithfully.

Besides the notes, the report lists every ``double`` field whose name says money (see
:mod:`autobe_core.importer.money`): mapped to ``decimal``, or kept ``double`` because
another word of its name says it is a count, a proportion or a measure.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

NoteKind = Literal["renamed", "approximated", "dropped", "unrealized", "warning"]
NOTE_KINDS: tuple[NoteKind, ...] = ("renamed", "approximated", "dropped", "unrealized", "warning")
OPERATION_KINDS = (
    "join", "login", "refresh", "index", "at", "create", "update", "erase", "custom"
)
LIFECYCLE_KINDS = (
    "change_password", "reset_request", "reset_confirm", "verify_request", "verify_confirm",
    "logout",
)
"""The account lifecycle kinds (:mod:`autobe_core.spec.lifecycle`): counted in the JSON
report always, in the text only when the project has them."""


@dataclass(frozen=True)
class Note:
    kind: NoteKind
    source: str
    """JSON path into a source file (``document.json:$.operations[3]``), or ``""``."""
    subject: str
    """What it is about: ``field shopping_mall_orders.order``, ``PATCH /x/{id}``..."""
    message: str
    """What happened and why."""


@dataclass(frozen=True)
class UnrealizedOperation:
    endpoint: str
    name: str
    reason: str
    source: str


@dataclass(frozen=True)
class MoneyField:
    """A ``double`` field whose name has a money word, and what it became."""

    subject: str
    """``shopping_mall_orders.order_total`` (the spec's names)."""
    source: str
    """JSON path of the field in ``prisma.json``."""
    type: str
    """What it became: ``decimal(19, 4)``, or ``double`` (kept)."""
    reason: str

    @property
    def decimal(self) -> bool:
        return self.type != "double"


@dataclass(frozen=True)
class RoleChoice:
    """One field's role as imported from AutoBe's create DTO, and why (issue 11)."""

    subject: str
    """``shopping_mall_orders.status``."""
    role: str
    """``server`` or ``client``."""
    source: str
    """How a create fills it (a ``roles.Source`` kind), or ``body``."""
    reason: str
    schema: str
    """AutoBe's create DTO the decision read (``IShoppingMallOrder.ICreate``)."""


@dataclass
class Notes:
    """Collects notes while mapping; the mappers share one."""

    items: list[Note] = field(default_factory=list)
    money: list[MoneyField] = field(default_factory=list)
    """Every double field with a money word in its name, in source order."""

    def add(self, kind: NoteKind, source: str, subject: str, message: str) -> None:
        note = Note(kind, source, subject, message)
        if note not in self.items:
            self.items.append(note)

    def renamed(self, source: str, subject: str, message: str) -> None:
        self.add("renamed", source, subject, message)

    def approximated(self, source: str, subject: str, message: str) -> None:
        self.add("approximated", source, subject, message)

    def dropped(self, source: str, subject: str, message: str) -> None:
        self.add("dropped", source, subject, message)

    def warning(self, source: str, subject: str, message: str) -> None:
        self.add("warning", source, subject, message)


@dataclass
class DtoFigures:
    schemas: int = 0
    """Component schemas in document.json (built-ins included)."""
    mapped: int = 0
    """Schemas that are one of the DTOs the spec derives for a model."""
    constraints: int = 0
    """Field constraints (length, range, enum, format) taken from the schemas."""
    overrides: int = 0
    """DTO overrides set so the derived DTOs hold the fields AutoBe's did."""
    unmapped: list[str] = field(default_factory=list)
    """Schemas with no place in the spec (used by custom operations, or unused)."""


@dataclass
class ImportReport:
    source: str
    prisma: str
    document: str | None
    project: str
    models: int = 0
    namespaces: list[str] = field(default_factory=list)
    fields: int = 0
    relations: int = 0
    indexes: int = 0
    actors: list[dict[str, str]] = field(default_factory=list)
    source_operations: int = 0
    operations_by_kind: dict[str, int] = field(default_factory=dict)
    unrealized: list[UnrealizedOperation] = field(default_factory=list)
    realized_by: dict[str, int] = field(default_factory=dict)
    """Operations per realization (``spec.REALIZATIONS``: deterministic, user, llm,
    unrealized)."""
    dtos: DtoFigures = field(default_factory=DtoFigures)
    notes: list[Note] = field(default_factory=list)
    money: list[MoneyField] = field(default_factory=list)
    """Double fields whose name says money: mapped to decimal, or kept (and why)."""
    derived_operations: bool = False
    """No document.json: the operations are the standard CRUD set derived from models."""
    roles: list[RoleChoice] = field(default_factory=list)
    """Field roles read from AutoBe's create DTOs (:mod:`autobe_core.importer.roles`)."""

    @property
    def server_roles(self) -> list[RoleChoice]:
        return [r for r in self.roles if r.role == "server"]

    @property
    def operations(self) -> int:
        return sum(self.operations_by_kind.values())

    @property
    def realized(self) -> int:
        return self.operations - self.operations_by_kind.get("custom", 0)

    @property
    def decimals(self) -> list[MoneyField]:
        """The fields mapped to decimal."""
        return [m for m in self.money if m.decimal]

    def note_counts(self) -> dict[str, int]:
        counts = Counter(n.kind for n in self.notes)
        return {kind: counts.get(kind, 0) for kind in NOTE_KINDS}

    # -- output

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "files": {"prisma": self.prisma, "document": self.document},
            "project": self.project,
            "models": self.models,
            "namespaces": self.namespaces,
            "fields": self.fields,
            "relations": self.relations,
            "indexes": self.indexes,
            "actors": self.actors,
            "operations": {
                "source": self.source_operations,
                "imported": self.operations,
                "derived": self.derived_operations,
                "byKind": {k: self.operations_by_kind.get(k, 0)
                           for k in (*OPERATION_KINDS, *LIFECYCLE_KINDS)},
                "realized": self.realized,
                "realizedBy": self.realized_by,
                "unrealized": len(self.unrealized),
                "unrealizedOperations": [asdict(u) for u in self.unrealized],
            },
            "dtos": asdict(self.dtos),
            "money": {
                "decimal": [asdict(m) for m in self.money if m.decimal],
                "keptDouble": [asdict(m) for m in self.money if not m.decimal],
            },
            "roles": {
                "server": len(self.server_roles),
                "client": len(self.roles) - len(self.server_roles),
                "decisions": [asdict(r) for r in self.roles],
            },
            "noteCounts": self.note_counts(),
            "notes": [asdict(n) for n in self.notes],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_text(self, details: bool = True) -> str:
        """The report for people; ``details=False``: the summary lines only."""
        lines = [
            f"AutoBe import report: {self.project}",
            f"source: {self.source}",
            f"  database AST: {self.prisma}",
            f"  API AST:      {self.document or '(none: standard CRUD operations derived)'}",
            "",
            f"models: {self.models} in {len(self.namespaces)} namespace(s) "
            f"({', '.join(self.namespaces)}); {self.fields} fields, {self.relations} "
            f"relations, {self.indexes} indexes",
            "actors: " + (", ".join(
                f"{a['name']} ({a['kind']}, {a['model']})" for a in self.actors) or "none"),
            f"operations: {self.operations} imported of {self.source_operations}: "
            f"{self.realized} realized, {len(self.unrealized)} unrealized (custom, 501)",
            "  realized by: " + ", ".join(f"{k} {n}" for k, n in self.realized_by.items()
                                          if k != "unrealized"),
            "  by kind: " + ", ".join(
                f"{k} {self.operations_by_kind.get(k, 0)}" for k in (
                    *OPERATION_KINDS,
                    *(k for k in LIFECYCLE_KINDS if self.operations_by_kind.get(k)))),
            f"DTOs: {self.dtos.schemas} schemas; {self.dtos.mapped} map onto derived DTOs, "
            f"{self.dtos.constraints} field constraints taken, {self.dtos.overrides} DTO "
            f"overrides, {len(self.dtos.unmapped)} with no place in the spec",
        ]
        kept = len(self.money) - len(self.decimals)
        lines.append(
            f"money: {len(self.decimals)} double field(s) mapped to decimal"
            + (f", {kept} kept double (not amounts)" if kept else "")
        )
        if self.roles:
            kept = len(self.roles) - len(self.server_roles)
            lines.append(
                f"field roles: {len(self.server_roles)} server-set field(s) read from "
                f"AutoBe's create DTOs, {kept} kept client (no value a create could give)")
        counts = self.note_counts()
        lines.append("notes: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        if not details:
            return "\n".join(lines) + "\n"
        if self.unrealized:
            lines += ["", f"unrealized operations ({len(self.unrealized)}):"]
            lines += [f"  {u.endpoint} ({u.name}): {u.reason}" for u in self.unrealized]
        for title, fields in (
            ("money: double fields mapped to decimal", self.decimals),
            ("double fields kept although their name has a money word",
             [m for m in self.money if not m.decimal]),
        ):
            if not fields:
                continue
            lines += ["", f"{title} ({len(fields)}):"]
            for m in fields:
                lines.append(f"  {m.subject}: double -> {m.type} ({m.reason})" if m.decimal
                             else f"  {m.subject}: {m.reason}")
                lines.append(f"    at {m.source}")
        for kind in NOTE_KINDS:
            notes = [n for n in self.notes if n.kind == kind and kind != "unrealized"]
            if not notes:
                continue
            lines += ["", f"{kind} ({len(notes)}):"]
            for n in notes:
                lines.append(f"  {n.subject}: {n.message}")
                if n.source:
                    lines.append(f"    at {n.source}")
        if self.roles:
            lines += ["", f"field roles ({len(self.roles)}):"]
            lines += [f"  {r.role} {r.subject} ({r.source}): {r.reason}" for r in self.roles]
        if self.dtos.unmapped:
            lines += ["", f"schemas with no place in the spec ({len(self.dtos.unmapped)}):"]
            lines += [f"  {name}" for name in self.dtos.unmapped]
        return "\n".join(lines) + "\n"
