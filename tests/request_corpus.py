"""The request corpus (issue 12): everyday phrasings of changes, and what each must do.

``tests/data/requests/<project>.yaml`` holds requests a new user would type, each with
what it means, written from the words and never from a planner's output:

- ``same_as: "CANONICAL"``: the plan's edits equal the rule planner's for a request in the
  documented grammar (docs/planning.md), which must itself plan;
- ``field``: after the change, the model has such a field (only the keys given count);
- ``grants`` / ``revokes``: operations of those kinds on the model exist for the actor
  after / existed before and none is left after;
- ``field_role``: the field's role (:mod:`autobe_core.spec.roles`) after the change;
- ``adds_actor``: an actor of that name exists after the change;
- ``beyond_rules: true``: a reasonable request the offline rules are not expected to
  understand: planning must raise ``NotUnderstood`` with a message.

Every understood request is planned by :class:`RulePlanner`, checked, applied, validated,
and its migration must have no diagnostics (a request applies to a database that holds
rows: new fields on existing models are nullable or defaulted).

``tests/data/requests/refusals.yaml`` holds requests that must be refused with one clear
message that invents no name (:func:`check_refusal`).

Used by ``tests/unit/test_request_corpus.py``, ``tests/service/test_request_corpus_verified.py``
and ``bench/understanding.py``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from autobe_core.planning.base import NotUnderstood, Plan
from autobe_core.planning.rules import NothingToDo, RulePlanner
from autobe_core.schema import plan_migration
from autobe_core.spec import errors, run, validate
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import ForeignField, Model, PlainField, ProjectSpec
from autobe_core.spec.naming import singular
from autobe_core.spec.roles import field_roles
from autobe_core.spec.semantics import is_privileged

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "requests"
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"
FIXTURES = {"todo": ROOT / "fixtures" / "todo.yaml", "bbs": ROOT / "fixtures" / "bbs.yaml"}
IMPORTED = {
    "shopping": "openai__gpt-4.1/shopping",
    "reddit": "openai__gpt-4.1/reddit",
    "claude_bbs": "anthropic__claude-sonnet-4.5/bbs",
    "claude_todo": "anthropic__claude-sonnet-4.5/todo",
}
PROJECTS = (*FIXTURES, *IMPORTED)
INTENTS = ("add", "remove", "rename", "make", "allow", "forbid", "track")
REFUSAL_KINDS = (
    "junk", "ambiguous", "unsupported", "unknown-name", "unsafe-name", "nothing-to-do"
)
EXPECTATION_KEYS = ("same_as", "field", "grants", "revokes", "field_role", "adds_actor")
OPERATION_KINDS = ("create", "at", "index", "update", "erase")
PLANNER = RulePlanner()


class CorpusFailure(AssertionError):
    """A corpus entry did not do what its words mean; ``kind`` groups failures."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class ProjectMissing(Exception):
    """The project's source (an AutoBe example) is not on this machine."""


# --------------------------------------------------------------------------- projects


@functools.cache
def project_spec(project: str) -> ProjectSpec:
    """The project's spec: a fixture, or an AutoBe example imported (once per process)."""
    if project in FIXTURES:
        return load_spec(FIXTURES[project])
    source = EXAMPLES / IMPORTED[project]
    if not source.is_dir():
        raise ProjectMissing(f"the AutoBe example {IMPORTED[project]} is not at {source}")
    from autobe_core.importer import import_autobe

    return import_autobe([source]).spec


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Entry:
    """One understood-corpus request and what it must do."""

    project: str
    index: int
    text: str
    intent: str
    expect: Mapping[str, Any] = field(default_factory=dict)
    beyond_rules: bool = False

    @property
    def id(self) -> str:
        short = re.sub(r"[^a-z0-9]+", "-", self.text.lower()).strip("-")[:40]
        return f"{self.project}-{self.index:02d}-{short}"


@dataclass(frozen=True)
class Refusal:
    """One request that must be refused with a clear message."""

    project: str
    index: int
    text: str
    kind: str

    @property
    def id(self) -> str:
        short = re.sub(r"[^a-z0-9]+", "-", self.text.lower()).strip("-")[:30] or "blank"
        return f"{self.project}-{self.index:02d}-{self.kind}-{short}"


def _read(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    requests = data["requests"] if isinstance(data, dict) else None
    if not isinstance(requests, list):
        raise ValueError(f"{path}: expected a mapping with a 'requests:' list")
    return requests


@functools.cache
def load_corpus() -> tuple[Entry, ...]:
    """Every understood-corpus entry, project by project, checked for shape."""
    out: list[Entry] = []
    for project in PROJECTS:
        for index, raw in enumerate(_read(DATA / f"{project}.yaml")):
            where = f"{project}.yaml #{index} {raw.get('text')!r}"
            unknown = set(raw) - {"text", "intent", "beyond_rules", *EXPECTATION_KEYS}
            if unknown:
                raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
            if raw.get("intent") not in INTENTS:
                raise ValueError(f"{where}: intent must be one of {INTENTS}")
            expect = {k: raw[k] for k in EXPECTATION_KEYS if k in raw}
            beyond = bool(raw.get("beyond_rules", False))
            if not expect and not beyond:
                raise ValueError(f"{where}: needs an expectation or beyond_rules: true")
            out.append(Entry(project, index, str(raw["text"]), raw["intent"], expect, beyond))
    return tuple(out)


@functools.cache
def load_refusals() -> tuple[Refusal, ...]:
    """Every refusal-corpus entry."""
    out: list[Refusal] = []
    for index, raw in enumerate(_read(DATA / "refusals.yaml")):
        if raw.get("kind") not in REFUSAL_KINDS or raw.get("project") not in PROJECTS:
            raise ValueError(f"refusals.yaml #{index}: bad kind or project in {raw!r}")
        out.append(Refusal(raw["project"], index, str(raw["text"]), raw["kind"]))
    return tuple(out)


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Checked:
    """A request that planned, applied and met its expectations."""

    plan: Plan
    before: ProjectSpec
    after: ProjectSpec


def describe(entry: Entry, plan: Plan | None = None) -> str:
    lines = [f"request [{entry.project}]: {entry.text!r} (intent {entry.intent})"]
    if entry.expect:
        lines.append(f"  expected: {dict(entry.expect)}")
    if plan is not None:
        lines.append("  plan: " + plan.explanation.replace("\n", "\n        "))
        lines += [f"    edit: {e!r}"[:400] for e in plan.changeset.edits]
    return "\n".join(lines)


@functools.cache
def canonical_plan(project: str, canonical: str) -> Plan:
    """The rule planner's plan of a documented-grammar request; a canonical that does not
    plan is a defect of the corpus (or a regression of the grammar), said loudly."""
    spec = project_spec(project)
    try:
        return PLANNER.plan(spec, canonical)
    except (NotUnderstood, NothingToDo) as exc:
        raise CorpusFailure(
            "canonical-fails",
            f"[{project}] the canonical request {canonical!r} itself does not plan: "
            f"{type(exc).__name__}: {exc.message}",
        ) from exc


def check_entry(entry: Entry) -> Checked | None:
    """Plan ``entry`` and check everything it must do; raises :class:`CorpusFailure`.
    A ``beyond_rules`` entry returns None once it was refused as it should be."""
    spec = project_spec(entry.project)
    try:
        plan = PLANNER.plan(spec, entry.text)
    except NotUnderstood as exc:
        if entry.beyond_rules:
            if not exc.message.strip():
                raise CorpusFailure(
                    "empty-message", f"{describe(entry)}\n  empty message"
                ) from exc
            return None
        raise CorpusFailure(
            "not-understood", f"{describe(entry)}\n  NotUnderstood: {exc.message}"
        ) from exc
    except NothingToDo as exc:
        raise CorpusFailure(
            "nothing-to-do", f"{describe(entry)}\n  NothingToDo: {exc.message}"
        ) from exc
    if entry.beyond_rules:
        raise CorpusFailure(
            "beyond-rules-planned",
            f"{describe(entry, plan)}\n  marked beyond_rules, but the rules planned it "
            "(if the plan is right, give the entry real expectations)",
        )
    applied = run(spec, plan.changeset)  # what check() and apply() do, done once
    if applied.problems:
        raise CorpusFailure(
            "does-not-apply",
            f"{describe(entry, plan)}\n  check: "
            + "; ".join(str(d) for d in applied.problems[:5]),
        )
    after = applied.spec
    invalid = errors(validate(after))
    if invalid:
        raise CorpusFailure(
            "invalid-result",
            f"{describe(entry, plan)}\n  validate: " + "; ".join(str(d) for d in invalid[:5]),
        )
    migration = plan_migration(spec, plan.changeset).diagnostics
    if migration:
        raise CorpusFailure(
            "migration",
            f"{describe(entry, plan)}\n  migration: "
            + "; ".join(str(d) for d in migration[:5]),
        )
    checked = Checked(plan, spec, after)
    for key, value in entry.expect.items():
        problem = EXPECTATIONS[key](entry, checked, value)
        if problem:
            raise CorpusFailure(f"wrong-{key}", f"{describe(entry, plan)}\n  {key}: {problem}")
    return checked


def outcome(entry: Entry) -> tuple[bool, str, str]:
    """(understood, failure kind, message) without raising, for reports and the bench:
    a ``beyond_rules`` entry refused as expected counts as not understood."""
    try:
        checked = check_entry(entry)
    except CorpusFailure as exc:
        return False, exc.kind, str(exc)
    except ProjectMissing as exc:
        return False, "project-missing", str(exc)
    except Exception as exc:  # a crash of the planner is a finding, not a stop
        return False, f"crash:{type(exc).__name__}", f"{describe(entry)}\n  {exc!r}"
    if checked is None:
        return False, "beyond-rules", ""
    return True, "", ""


# --------------------------------------------------------------------------- expectations


def _model(spec: ProjectSpec, name: str) -> Model | None:
    return next((m for m in spec.models if m.name == name), None)


def _names(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _expect_same_as(entry: Entry, checked: Checked, canonical: object) -> str | None:
    expected = canonical_plan(entry.project, str(canonical))
    if list(checked.plan.changeset.edits) == list(expected.changeset.edits):
        return None
    shown = "\n".join(f"    want: {e!r}"[:400] for e in expected.changeset.edits)
    return f"edits differ from those of {canonical!r}:\n{shown}"


def _field_type(found: PlainField | ForeignField) -> str:
    return found.type


def _expect_field(entry: Entry, checked: Checked, spec: object) -> str | None:
    assert isinstance(spec, dict), spec
    model = _model(checked.after, spec["model"])
    if model is None:
        return f"no model {spec['model']} after the change"
    fields: list[PlainField | ForeignField] = [*model.plain_fields, *model.foreign_fields]
    names = _names(spec.get("name", []))
    candidates = [f for f in fields if f.name in names] if names else fields
    before = _model(checked.before, spec["model"])
    if names and before is not None:
        old = {f.name for f in before.plain_fields} | {f.name for f in before.foreign_fields}
        fresh = [f for f in candidates if f.name not in old]
        candidates = fresh or candidates
    if not candidates:
        have = [f.name for f in fields]
        return f"{spec['model']} has no field named any of {names} (fields: {have})"
    misses: list[str] = []
    for found in candidates:
        wrong = [
            f"{key}={got!r} (want {want!r})"
            for key, want in spec.items()
            if key not in ("model", "name")
            for got in [_attribute(found, key)]
            if not _same(key, got, want)
        ]
        if not wrong:
            return None
        misses.append(f"{found.name}: " + ", ".join(wrong))
    return "; ".join(misses)


def _attribute(found: PlainField | ForeignField, key: str) -> object:
    if key == "type":
        return _field_type(found)
    return getattr(found, key, None)


def _same(key: str, got: object, want: object) -> bool:
    if key in ("minimum", "maximum"):
        return got is not None and float(str(got)) == float(str(want))
    if key == "enum":
        return isinstance(got, list) and [str(g) for g in got] == [str(w) for w in want]  # type: ignore[attr-defined]
    return got == want


def _operations(spec: ProjectSpec, model: str, kind: str, actor: object) -> list[str]:
    return [
        f"{op.method.upper()} {op.path}"
        for op in spec.operations
        if op.model == model and op.kind == kind and op.actor == actor
    ]


def _expect_grants(entry: Entry, checked: Checked, spec: object) -> str | None:
    assert isinstance(spec, dict), spec
    actor = spec.get("actor")
    missing = [
        kind for kind in _names(spec["kinds"])
        if not _operations(checked.after, spec["model"], kind, actor)
    ]
    if missing:
        return f"after the change no {missing} operation on {spec['model']} for {actor!r}"
    return None


def _unprivileged(spec: ProjectSpec) -> list[str | None]:
    return [None, *(a.name for a in spec.actors if not is_privileged(a))]


def _expect_revokes(entry: Entry, checked: Checked, spec: object) -> str | None:
    assert isinstance(spec, dict), spec
    actors: list[str | None] = (
        [spec["actor"]] if "actor" in spec else _unprivileged(checked.before)
    )
    problems: list[str] = []
    for kind in _names(spec["kinds"]):
        had = [op for a in actors for op in _operations(checked.before, spec["model"], kind, a)]
        left = [op for a in actors for op in _operations(checked.after, spec["model"], kind, a)]
        if not had:
            problems.append(f"no {kind} operation on {spec['model']} for {actors} before")
        if left:
            problems.append(f"still there after: {left}")
    return "; ".join(problems) or None


def _expect_field_role(entry: Entry, checked: Checked, spec: object) -> str | None:
    assert isinstance(spec, dict), spec
    model = _model(checked.after, spec["model"])
    if model is None:
        return f"no model {spec['model']} after the change"
    roles = field_roles(checked.after, model)
    decision = roles.get(spec["name"])
    if decision is None:
        return f"{spec['model']} has no field {spec['name']}"
    if decision.role != spec["role"]:
        return f"{spec['name']} is {decision.role} ({decision.reason}), want {spec['role']}"
    return None


def _expect_adds_actor(entry: Entry, checked: Checked, name: object) -> str | None:
    if any(a.name == name for a in checked.after.actors):
        return None
    return f"no actor {name!r} after (actors: {[a.name for a in checked.after.actors]})"


EXPECTATIONS: dict[str, Callable[[Entry, Checked, object], str | None]] = {
    "same_as": _expect_same_as,
    "field": _expect_field,
    "grants": _expect_grants,
    "revokes": _expect_revokes,
    "field_role": _expect_field_role,
    "adds_actor": _expect_adds_actor,
}


# --------------------------------------------------------------------------- refusals

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")
_IDENT = re.compile(r"[A-Za-z0-9_]+")


@functools.cache
def documented_words() -> frozenset[str]:
    """Words of docs/planning.md (the grammar's forms, examples and catalog): a message
    may always use them."""
    text = (ROOT / "docs" / "planning.md").read_text(encoding="utf-8")
    return frozenset(w.lower() for w in _WORD.findall(text))


def spec_words(spec: ProjectSpec) -> frozenset[str]:
    """Every name of the spec and every word of those names."""
    names: list[str] = [spec.name]
    for model in spec.models:
        names += [model.name, model.namespace, model.dto_name or ""]
        names += [f.name for f in model.plain_fields] + [f.name for f in model.foreign_fields]
    names += [a.name for a in spec.actors]
    names += [op.path for op in spec.operations]
    words = {w.lower() for n in names for w in _WORD.findall(n.replace("_", " "))}
    return frozenset(words | {n.lower() for n in names})


def invented_names(spec: ProjectSpec, text: str, message: str) -> list[str]:
    """Words of the request that are neither in the spec nor documented, found in the
    message outside quotes (where a word is reported back, not proposed as a name)."""
    known = spec_words(spec) | documented_words()
    unknown = {
        w.lower() for w in _WORD.findall(text)
        if len(w) >= 3 and w.lower() not in known and singular(w.lower()) not in known
    }
    unquoted = _QUOTED.sub(" ", message)
    pieces = {p.lower() for token in _IDENT.findall(unquoted) for p in [token, *token.split("_")]}
    return sorted(w for w in unknown if w in pieces or singular(w) in pieces)


def check_refusal(refusal: Refusal) -> str:
    """Plan the refusal: it must raise NotUnderstood or NothingToDo with one non-empty line
    of message that invents no name. Returns the message; raises :class:`CorpusFailure`."""
    spec = project_spec(refusal.project)
    where = f"refusal [{refusal.project}] ({refusal.kind}): {refusal.text!r}"
    try:
        plan = PLANNER.plan(spec, refusal.text)
    except (NotUnderstood, NothingToDo) as exc:
        message = exc.message
        closest = list(getattr(exc, "closest", []))
    else:
        edits = "\n".join(f"    edit: {e!r}"[:300] for e in plan.changeset.edits)
        raise CorpusFailure(
            "planned", f"{where}\n  was planned, not refused: {plan.explanation}\n{edits}"
        )
    if not message.strip():
        raise CorpusFailure("empty-message", f"{where}\n  the message is empty")
    if "\n" in message.strip() or "Traceback" in message:
        raise CorpusFailure("multi-line", f"{where}\n  the message is not one line: {message!r}")
    invented = invented_names(spec, refusal.text, " ".join([message, *closest]))
    if invented:
        raise CorpusFailure(
            "invents-name",
            f"{where}\n  the answer proposes names made of the request's unknown words "
            f"{invented}: {message!r}; closest: {closest}",
        )
    return message


def entries_of(project: str) -> Iterator[Entry]:
    return (e for e in load_corpus() if e.project == project)


def by_intent(entries: Sequence[Entry]) -> dict[str, int]:
    counts = dict.fromkeys(INTENTS, 0)
    for entry in entries:
        counts[entry.intent] += 1
    return counts
