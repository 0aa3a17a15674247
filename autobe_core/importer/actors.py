"""document.json ``components.authorization`` -> the spec's actors.

AutoBe lists actors by name and kind; which table holds an actor's accounts is implicit.
It is read from the actor's own join / login / refresh operations (the table their DTOs
link to, the path ``/auth/<actor>/...``), else from a table named after the actor
(``*_members`` for ``member``). Members and admins log in with an identity (``email``,
else ``username``, else the string their login DTO asks for) and a password hash column.

An actor the generated code cannot serve faithfully is approximated and reported: one
without a table of its own is dropped (its operations become public), one without a
password column cannot log in and becomes a guest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from autobe_core.importer.ast import DocActor, DocDocument, DocOperation
from autobe_core.importer.links import TypeLinks
from autobe_core.importer.models import ModelMap
from autobe_core.importer.names import field_name
from autobe_core.importer.report import Notes
from autobe_core.importer.source import DOCUMENT_FILE, where
from autobe_core.spec.model import Actor, Model
from autobe_core.spec.naming import actor_problem

AUTH_NAMES = ("join", "login", "refresh")
IDENTITY_NAMES = ("email", "username", "login", "login_id", "user_name", "nickname", "phone")


@dataclass
class ActorMap:
    actors: list[Actor] = field(default_factory=list)
    names: dict[str, str | None] = field(default_factory=dict)
    """AutoBe actor name -> spec actor name; None: dropped (its operations are public)."""

    def spec_actor(self, name: str) -> Actor | None:
        spec_name = self.names.get(name)
        return next((a for a in self.actors if a.name == spec_name), None)


def is_auth_operation(op: DocOperation) -> bool:
    return op.authorization_type is not None or op.name in AUTH_NAMES


def auth_actor_name(op: DocOperation, actor_names: list[str]) -> str | None:
    """The actor an auth operation serves: ``/auth/<actor>/...``, else its role."""
    segments = op.path.strip("/").split("/")
    for name in actor_names:
        if name in segments:
            return name
    return op.authorization_role if op.authorization_role in actor_names else None


def map_actors(doc: DocDocument, links: TypeLinks, models: ModelMap, notes: Notes) -> ActorMap:
    result = ActorMap()
    names = [a.name for a in doc.components.authorization]
    claimed: dict[str, str] = {}
    taken: set[str] = set()
    mapped: dict[int, Actor] = {}
    # accounts that log in claim their table first: a guest sharing it is the one dropped
    order = sorted(range(len(doc.components.authorization)),
                   key=lambda k: (doc.components.authorization[k].kind == "guest", k))
    for i in order:
        actor = doc.components.authorization[i]
        path = where(DOCUMENT_FILE, ["components", "authorization", i])
        model = _actor_model(doc, actor, names, links, models)
        if model is None:
            result.names[actor.name] = None
            notes.approximated(
                path, f"actor {actor.name}",
                "dropped: no table holds its accounts (no join/login DTO links one, no "
                f"table is named after it); its {_count_ops(doc, actor.name)} operation(s) "
                "become public",
            )
            continue
        if model.name in claimed:
            result.names[actor.name] = None
            notes.approximated(
                path, f"actor {actor.name}",
                f"dropped: its accounts are rows of {model.name}, which actor "
                f"{claimed[model.name]!r} authenticates against (the generated join/login "
                f"could not tell them apart); its {_count_ops(doc, actor.name)} operation(s) "
                "become public, its own join/login/refresh unrealized",
            )
            continue
        spec_name = actor.name
        if actor_problem(spec_name) is not None or spec_name in taken:
            spec_name = field_name(f"{actor.name}_actor", taken)
            notes.renamed(path, f"actor {actor.name}",
                          f"renamed to {spec_name!r}: {actor_problem(actor.name) or 'taken'}")
        taken.add(spec_name)
        claimed[model.name] = actor.name
        result.names[actor.name] = spec_name
        mapped[i] = _credentials(doc, actor, spec_name, model, links, models, path, notes)
    result.actors = [mapped[i] for i in sorted(mapped)]
    return result


def _count_ops(doc: DocDocument, actor: str) -> int:
    return sum(1 for op in doc.operations if op.authorization_role == actor)


def _actor_model(
    doc: DocDocument, actor: DocActor, names: list[str], links: TypeLinks, models: ModelMap
) -> Model | None:
    votes: Counter[str] = Counter()
    for op in doc.operations:
        if not is_auth_operation(op) or auth_actor_name(op, names) != actor.name:
            continue
        for body in (op.request_body, op.response_body):
            if body is not None:
                hint = links.model_hint(body.type_name)
                if hint is not None:
                    votes[hint] += 1
    if votes:
        best = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        return models.model(best)
    wanted = {f"{actor.name}s", f"{actor.name}es", f"{actor.name[:-1]}ies"}
    matches = [
        m for m in models.models
        if m.name in wanted or any(m.name.endswith(f"_{w}") for w in wanted)
    ]
    if len(matches) == 1:
        return matches[0]
    return None


def _credentials(
    doc: DocDocument,
    actor: DocActor,
    spec_name: str,
    model: Model,
    links: TypeLinks,
    models: ModelMap,
    path: str,
    notes: Notes,
) -> Actor:
    strings = [p.name for p in model.plain_fields if p.type == "string"]
    password = next((n for n in strings if n == "password_hash"), None) or next(
        (n for n in strings if "password" in n), None
    )
    identity = _identity(model, strings, links, models, password)
    kind = actor.kind
    if kind != "guest" and (identity is None or password is None):
        missing = "a password column" if password is None else "an identity column"
        notes.approximated(
            path, f"actor {actor.name}",
            f"kind {kind} imported as guest: {model.name} has no {missing}, so the "
            "generated login could not check credentials",
        )
        kind = "guest"
    if kind == "guest":
        identity = password = None
    return Actor(
        name=spec_name,
        kind=kind,
        model=model.name,
        description=actor.description,
        identity_field=identity,
        password_field=password,
    )


def _identity(
    model: Model, strings: list[str], links: TypeLinks, models: ModelMap, password: str | None
) -> str | None:
    candidates = [n for n in strings if n != password]
    for name in IDENTITY_NAMES:
        if name in candidates:
            return name
    login = links.schema(model.name, "ILogin")
    renames = models.field_names.get(model.name, {})
    if login is not None:
        for prop in login.props:
            spec = renames.get(prop)
            if spec in candidates and "password" not in prop:
                return spec
    for index in model.unique_indexes:
        if len(index.field_names) == 1 and index.field_names[0] in candidates:
            return index.field_names[0]
    return None
