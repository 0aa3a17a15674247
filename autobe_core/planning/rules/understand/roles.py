"""A new actor role in words: "add an editor role that can update any article".

The role gets what every actor of the project has, in the project's own shape: an account
model beside the owner's (same namespace, its identity and password fields, a unique
identity, the timestamps when the owner's account has them), the owner's authentication
operations (join, login, refresh) with the role's name in their paths, and then the
operations the rest of the sentence grants it. "any" / "every" / "all" before the model
(acting on rows of others) makes the role privileged (staff: its accounts are made with
``autobe admin create`` or by another privileged principal, never by a public join).
"""

from __future__ import annotations

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.operations import grant
from autobe_core.planning.rules.morphology import singular
from autobe_core.planning.rules.understand.lexicon import OPERATION_VERBS
from autobe_core.planning.rules.understand.understanding import Understanding
from autobe_core.planning.rules.words import name_of, plural_snake
from autobe_core.spec.changeset import AddActor, AddModel, AddOperation, Edit
from autobe_core.spec.model import Actor, Model, Operation, PlainField, ProjectSpec, UniqueIndex
from autobe_core.spec.naming import model_name_problem

ROLE_WORDS = frozenset({"role", "actor"})
"""The nouns of a new role."""

STAFF_WORDS = frozenset({"admin", "administrator", "staff", "superuser", "operator"})
"""Role names that are the admin kind."""

_ACCOUNT_FIELDS = ("created_at", "updated_at")
_AUTH_KINDS = ("join", "login", "refresh")


def build_role(g: Context, u: Understanding) -> Planned:
    """The actor the free word names, its account model and auth operations, and the
    operations the sentence grants it."""
    role_at = min(w.at for w in u.words if w.text in ROLE_WORDS)
    named = [w for w in u.words if w.text in ("called", "named") and w.at > role_at]
    if named:  # "add a role called editor"
        words = [w for w in u.free if w.at == named[0].at + 1]
    else:  # "add an editor role"
        words = [w for w in u.free if w.at < role_at]
    rest = [w.text for w in u.free if w not in words and w.base not in OPERATION_VERBS]
    owner = g.conv.owner
    if not words or len(words) > 2 or owner is None:
        raise NotUnderstood(
            f"understood {u.describe()!r} but not the new role's name (one or two words "
            "before 'role', or after 'called')",
            [],
        )
    if rest:
        raise NotUnderstood(
            f"understood {u.describe()!r} but could not place "
            + ", ".join(repr(w) for w in rest),
            [],
        )
    name = name_of(" ".join(singular(w.text) for w in words), "actor")
    if g.spec.actor(name) is not None:
        raise NothingToDo(f"the project has an actor {name} already")
    template = g.spec.model(owner.model)
    if template is None:
        raise NotUnderstood(f"the owner actor {owner.name} has no account model", [])
    account = _account_model(g, name, owner, template)
    privileged = u.has("any", "every", "all") or name in STAFF_WORDS
    actor = Actor(
        name=name,
        kind="admin" if name in STAFF_WORDS else "member",
        model=account.name,
        description=f"Accounts of the {name} role.",
        identity_field=owner.identity_field,
        password_field=owner.password_field,
        privileged=True if privileged and name not in STAFF_WORDS else None,
    )
    auth = _auth_operations(g, owner, actor)
    edits: list[Edit] = [AddModel(model=account), AddActor(actor=actor)]
    edits += [AddOperation(operation=op) for op in auth]
    notes: list[str] = []
    target = u.models[0] if u.models else None
    if u.kinds and target is not None:
        after = _with(g.spec, account, actor, auth)
        edits += grant(Context(after), target, actor, u.kinds).edits
    elif u.kinds or target is not None:
        notes.append("no operation granted: name what the role may do to which model")
    if privileged and name not in STAFF_WORDS:
        notes.append(f"{name} is staff: its accounts are made with `autobe admin create`")
    return Planned(edits, f"add the actor {name} with its accounts ({account.name})", notes)


def _account_model(g: Context, name: str, owner: Actor, template: Model) -> Model:
    table = plural_snake(g.conv.prefix + name)
    problem = model_name_problem(table)
    if problem:
        raise NotUnderstood(f"{table!r} cannot be a model name: {problem}", [])
    if g.spec.model(table) is not None:
        raise NotUnderstood(f"model {table} exists already; it cannot be the {name} accounts", [])
    keep = {owner.identity_field, owner.password_field, *_ACCOUNT_FIELDS}
    fields: list[PlainField] = [f for f in template.plain_fields if f.name in keep]
    uniques = [UniqueIndex(field_names=[owner.identity_field])] if owner.identity_field else []
    return Model(
        name=table,
        namespace=template.namespace,
        stance=template.stance,
        description=f"Accounts of the {name} role.",
        plain_fields=fields,
        unique_indexes=uniques,
    )


def _auth_operations(g: Context, owner: Actor, actor: Actor) -> list[Operation]:
    out: list[Operation] = []
    for op in g.spec.operations:
        if op.kind not in _AUTH_KINDS or op.model != owner.model:
            continue
        segments = op.path.split("/")
        if owner.name not in segments:
            raise NotUnderstood(
                f"cannot tell where the actor stands in the path {op.path} of "
                f"{owner.name}'s {op.kind}; add the role as typed edits (autobe change --edits)",
                [],
            )
        path = "/".join(actor.name if s == owner.name else s for s in segments)
        out.append(
            op.model_copy(
                update={
                    "path": path,
                    "model": actor.model,
                    "request_body": None,
                    "response_body": None,
                    "summary": "",
                    "description": "",
                    "specification": "",
                    "access": None,
                }
            )
        )
    return out


def _with(spec: ProjectSpec, account: Model, actor: Actor, auth: list[Operation]) -> ProjectSpec:
    return spec.model_copy(
        update={
            "models": [*spec.models, account],
            "actors": [*spec.actors, actor],
            "operations": [*spec.operations, *auth],
        }
    )
