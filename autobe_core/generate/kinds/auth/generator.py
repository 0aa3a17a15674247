"""Planner and generator for the `auth` module kind.

``app/auth/security.py`` (passwords with ``hashlib.scrypt`` and a random salt, compared in
constant time; JWT access / refresh tokens via PyJWT, HS256, claims ``actor``, ``sub``,
``ver``, ``type``, ``jti``, ``exp``; no default secret) is a fixed file,
``generate/static/app/auth/security.py``, and reads nothing. ``app/auth/actors.py`` is the
fixed head ``generate/static/app/auth/actors.py`` (the bearer scheme and ``authenticate``)
followed by one principal class, one ``load_<actor>`` (the token's account row: missing,
deleted or at another token version -> 401) and one ``require_<actor>`` dependency per
actor, and ``require_privileged`` when an actor is privileged (it guards their join); it
reads the actors and their models (class, primary key, soft delete).
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import Slice, actor_el, model_el, safe_docstring
from autobe_core.generate.emit import py_str
from autobe_core.generate.fixed import fixed_digest, fixed_text, plan_fixed
from autobe_core.generate.kinds.auth import admin
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import Actor, ProjectSpec
from autobe_core.spec.naming import class_name, pascal
from autobe_core.spec.semantics import is_privileged, soft_delete

GENERATOR_VERSION = "3"
"""2: the fixed texts' digests in the slices; the secret from ``app.settings``. 3: tokens
checked against the account row (token version); ``require_privileged``."""

SECURITY_PATH = f"{BACKEND_PACKAGE}/auth/security.py"
ACTORS_PATH = f"{BACKEND_PACKAGE}/auth/actors.py"


class ActorEntry(Slice):
    name: str
    description: str = ""
    model: str
    """The accounts' table (module ``app.models.<model>``)."""
    class_name: str
    primary: str = "id"
    soft_delete: bool = False
    privileged: bool = False


class ActorsSlice(Slice):
    module: str = "actors"
    actors: tuple[ActorEntry, ...] = ()
    head: str = ""
    """The digest of the fixed head (so the key follows its text)."""


def principal_name(actor: str) -> str:
    return f"{pascal(actor)}Principal"


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    actors = tuple(
        _entry(spec, a) for a in sorted(spec.actors, key=lambda a: a.name)
        if spec.model(a.model) is not None
    )
    return [
        plan_fixed("auth:security", "auth", SECURITY_PATH, GENERATOR_VERSION,
                   {"app:db", "app:dtos_common", "app:errors", "app:settings"}),
        PlannedModule(
            id="auth:actors", kind="auth", path=ACTORS_PATH,
            slice=ActorsSlice(actors=actors, head=fixed_digest(ACTORS_PATH)),
            render=render_actors,
            generator_version=GENERATOR_VERSION,
            reads=frozenset({actor_el(a.name) for a in spec.actors}
                            | {model_el(a.model) for a in actors}),
            imports=frozenset({"auth:security", "app:errors", "app:db"}
                              | {f"model:{a.model}" for a in actors}),
        ),
        *admin.plan(spec),
    ]


def _entry(spec: ProjectSpec, actor: Actor) -> ActorEntry:
    model = spec.model(actor.model)
    assert model is not None
    return ActorEntry(
        name=actor.name, description=actor.description, model=model.name,
        class_name=class_name(model), primary=model.primary_field.name,
        soft_delete=soft_delete(model), privileged=is_privileged(actor),
    )


IMPORTS_END = "from app.errors import ForbiddenError, UnauthorizedError\n"
"""The head's last import line: the actors' model imports follow it."""


def render_actors(slice_: BaseModel) -> str:
    assert isinstance(slice_, ActorsSlice)
    head = fixed_text(ACTORS_PATH)
    models = sorted({(a.model, a.class_name) for a in slice_.actors})
    out = head.replace(IMPORTS_END, IMPORTS_END + "".join(
        f"from app.models.{m} import {c}\n" for m, c in models), 1)
    for actor in slice_.actors:
        out += _render_actor(actor)
    privileged = [a for a in slice_.actors if a.privileged]
    if privileged:
        out += _render_privileged(privileged)
    return out


def _render_actor(actor: ActorEntry) -> str:
    cls = principal_name(actor.name)
    doc = f"An authenticated {actor.name}"
    doc += f": {actor.description}" if actor.description.strip() else "."
    live = " or row.deleted_at is not None" if actor.soft_delete else ""
    out = f"\n\n@dataclass(frozen=True)\nclass {cls}:\n"
    out += safe_docstring(doc, "    ")
    out += "\n    id: uuid.UUID\n"
    out += (f"\n\ndef load_{actor.name}(session: Session, claims: TokenClaims) -> {cls}:\n"
            + safe_docstring(f"The {actor.name} a token names, checked against its account "
                             "row.", "    ") +
            f"    row = session.get({actor.class_name}, claims.subject)\n"
            f"    if row is None{live}:\n"
            "        raise UnauthorizedError(ACCOUNT_GONE)\n"
            "    if row.token_version != claims.version:\n"
            "        raise UnauthorizedError(REVOKED)\n"
            f"    return {cls}(id=row.{actor.primary})\n")
    out += (f"\n\ndef require_{actor.name}(credentials: Credentials, session: SessionDep) "
            f"-> {cls}:\n"
            + safe_docstring(f"The calling {actor.name}: 401 without a valid access token "
                             "of a live account, 403 for another actor's.", "    ")
            + f"    return load_{actor.name}(session, authenticate(credentials, "
            f"({py_str(actor.name)},)))\n")
    return out


def _render_privileged(actors: list[ActorEntry]) -> str:
    names = ", ".join(py_str(a.name) for a in actors)
    classes = " | ".join(principal_name(a.name) for a in actors)
    out = ("\n\nPRIVILEGED_ACTORS: tuple[str, ...] = "
           f"({names}{',' if len(actors) == 1 else ''})\n"
           '"""The staff actors: their accounts are made by one of them (or by `autobe admin '
           'create`)."""\n')
    out += (f"\n\ndef require_privileged(credentials: Credentials, session: SessionDep) -> "
            f"{classes}:\n"
            + safe_docstring("A principal of a privileged actor: 401 without a valid "
                             "access token of a live account, 403 for any other actor's.",
                             "    ")
            + "    claims = authenticate(credentials, PRIVILEGED_ACTORS)\n")
    for actor in actors[:-1]:
        out += (f"    if claims.actor == {py_str(actor.name)}:\n"
                f"        return load_{actor.name}(session, claims)\n")
    out += f"    return load_{actors[-1].name}(session, claims)\n"
    return out
