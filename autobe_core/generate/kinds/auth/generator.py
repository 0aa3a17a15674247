"""Planner and generator for the `auth` module kind.

``app/auth/security.py`` (passwords with ``hashlib.scrypt`` and a random salt, compared in
constant time; JWT access / refresh tokens via PyJWT, HS256, claims ``actor``, ``sub``,
``type``, ``exp``) is a fixed file, ``generate/static/app/auth/security.py``, and reads
nothing. ``app/auth/actors.py`` is the fixed head ``generate/static/app/auth/actors.py``
(the bearer scheme and ``authenticate``) followed by one principal class and one
``require_<actor>`` dependency per actor; it reads the actors (their names and descriptions
only: a dependency checks the token, not the database).
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import Slice, actor_el, safe_docstring
from autobe_core.generate.emit import py_str
from autobe_core.generate.fixed import fixed_digest, fixed_text, plan_fixed
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.naming import pascal

GENERATOR_VERSION = "2"
"""2: the fixed texts' digests in the slices; the secret from ``app.settings``."""

SECURITY_PATH = f"{BACKEND_PACKAGE}/auth/security.py"
ACTORS_PATH = f"{BACKEND_PACKAGE}/auth/actors.py"


class ActorEntry(Slice):
    name: str
    description: str = ""


class ActorsSlice(Slice):
    module: str = "actors"
    actors: tuple[ActorEntry, ...] = ()
    head: str = ""
    """The digest of the fixed head (so the key follows its text)."""


def principal_name(actor: str) -> str:
    return f"{pascal(actor)}Principal"


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    actors = tuple(
        ActorEntry(name=a.name, description=a.description)
        for a in sorted(spec.actors, key=lambda a: a.name)
    )
    return [
        plan_fixed("auth:security", "auth", SECURITY_PATH, GENERATOR_VERSION,
                   {"app:db", "app:dtos_common", "app:errors", "app:settings"}),
        PlannedModule(
            id="auth:actors", kind="auth", path=ACTORS_PATH,
            slice=ActorsSlice(actors=actors, head=fixed_digest(ACTORS_PATH)),
            render=render_actors,
            generator_version=GENERATOR_VERSION,
            reads=frozenset(actor_el(a.name) for a in spec.actors),
            imports=frozenset({"auth:security", "app:errors"}),
        ),
    ]


def render_actors(slice_: BaseModel) -> str:
    assert isinstance(slice_, ActorsSlice)
    out = fixed_text(ACTORS_PATH)
    for actor in slice_.actors:
        cls = principal_name(actor.name)
        doc = f"An authenticated {actor.name}"
        doc += f": {actor.description}" if actor.description.strip() else "."
        out += f"\n\n@dataclass(frozen=True)\nclass {cls}:\n"
        out += safe_docstring(doc, "    ")
        out += "\n    id: uuid.UUID\n"
        out += (f"\n\ndef require_{actor.name}(\n"
                "    credentials: Annotated[HTTPAuthorizationCredentials | None, "
                "Depends(bearer)],\n"
                f") -> {cls}:\n"
                f"    \"\"\"The calling {actor.name}: 401 without a valid access token, 403 "
                "for another actor's.\"\"\"\n"
                f"    return {cls}(id=authenticate(credentials, {py_str(actor.name)}))\n")
    return out
