"""Rules on the access model: ``Operation.access`` overrides and ambiguous owners.

- ``access.owner-without-actor`` (error): an owner chain needs the actor whose accounts
  own the rows;
- ``access.public-with-actor`` (error): ``public: true`` on an operation with an actor
  contradicts it (drop one);
- ``access.bad-owner-chain`` (error): the chain names a field that is not a foreign
  field, or does not end at the actor's model;
- ``access.ambiguous-owner`` (warning): several required foreign fields lead to the
  actor's model and none names the owner; the operation is not owner-scoped until
  ``access.owner`` says which one.
"""

from __future__ import annotations

from autobe_core.spec.access import (
    SCOPED_KINDS,
    explicit_chain,
    owner_chain,
    owner_key,
    owner_key_candidates,
)
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.semantics import is_privileged
from autobe_core.spec.validation.common import Path, Report


def check_access(spec: ProjectSpec, report: Report) -> None:
    for i, op in enumerate(spec.operations):
        base: Path = ["operations", i]
        model = spec.model(op.model) if op.model else None
        actor = spec.actor(op.actor) if op.actor else None
        access = op.access
        if access is not None and access.public and op.actor is not None:
            report.error([*base, "access", "public"], "access.public-with-actor",
                         f"{op.endpoint} needs actor {op.actor!r}, so it cannot be public",
                         ("public: false", "remove actor"))
        if access is not None and access.owner is not None:
            if actor is None:
                report.error([*base, "access", "owner"], "access.owner-without-actor",
                             f"{op.endpoint} has no actor, so no account owns its rows",
                             ("an actor", "remove access.owner"))
            elif model is not None and access.owner and spec.model(actor.model) is not None:
                found = explicit_chain(spec, model, actor, access.owner)
                if isinstance(found, str):
                    report.error([*base, "access", "owner"], "access.bad-owner-chain",
                                 f"{op.endpoint}: access.owner {access.owner} is not an "
                                 f"owner chain: {found}",
                                 [f.name for f in model.foreign_fields])
            continue
        if model is None or actor is None or op.kind not in SCOPED_KINDS \
                or is_privileged(actor) or spec.model(actor.model) is None:
            continue
        candidates = owner_key_candidates(model, actor)
        if len(candidates) > 1 and owner_key(spec, model, actor) is None \
                and owner_chain(spec, model, actor) is None:
            report.warning(base, "access.ambiguous-owner",
                           f"{op.endpoint}: {model.name} has several required foreign "
                           f"fields to {actor.model} ({', '.join(candidates)}) and none "
                           f"names the owner; the operation is not owner-scoped",
                           [f"access: {{owner: [{c}]}}" for c in candidates]
                           + ["access: {owner: []}"])
