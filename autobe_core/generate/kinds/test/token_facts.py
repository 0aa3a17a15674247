"""What the token tests of an account operation need from the spec (join, login, refresh).

The same facts the operation's handler is generated from (:mod:`generate.kinds.operation.
generator`), read from the spec here: whether the identity is an e-mail (lowercased), the
logout route a login module serves, and, for the join of a privileged actor, a privileged
actor that may call it and one that may not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autobe_core.generate.kinds.operation.generator import is_email, logout_path
from autobe_core.spec import semantics
from autobe_core.spec.model import Actor, Model, Operation, ProjectSpec


@dataclass(frozen=True)
class TokenFacts:
    lowercase: bool = False
    logout: str | None = None
    staff: Actor | None = None
    outsider: Actor | None = None
    reads: frozenset[str] = field(default_factory=frozenset)


def token_facts(spec: ProjectSpec, op: Operation, model: Model) -> TokenFacts:
    actor = semantics.actor_for_model(spec, model)
    if actor is None:
        return TokenFacts()
    identity = model.plain(actor.identity_field) if actor.identity_field else None
    lowercase = identity is not None and is_email(identity) and actor.kind != "guest"
    reads = {f"actor:{a.name}" for a in spec.actors} if op.kind == "join" else set()
    staff: Actor | None = None
    outsider: Actor | None = None
    if op.kind == "join" and semantics.is_privileged(actor):
        staff = actor
        outsider = next((a for a in spec.actors if not semantics.is_privileged(a)), None)
    logout = logout_path(spec, op, actor) if op.kind == "login" else None
    return TokenFacts(lowercase=lowercase and op.kind in ("join", "login"), logout=logout,
                      staff=staff, outsider=outsider, reads=frozenset(reads))
