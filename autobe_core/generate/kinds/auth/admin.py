"""Planner and generator of ``app/admin.py`` (kind `auth`): accounts made from the command line.

A privileged actor never joins publicly (its join needs a privileged principal), so its
first account is made outside the API: ``python -m app.admin create --actor ACTOR --email
E`` in the backend (``autobe admin create`` runs it there), on the database
``AUTOBE_DATABASE_URL`` names, which must be at the backend's head migration. The account
is built like a join: the actor's join body (its validation: password length, e-mail
format, required fields given with ``--set FIELD=VALUE``) and its collector (the password
hashed); the e-mail is stored lowercased and a taken one (in any case) is refused.

One ``create_<actor>`` function per privileged actor with a join operation whose body holds
the identity and the password; the slice holds their names and reads those actors, their
models and join operations.
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import (
    ModelRef,
    Slice,
    actor_el,
    import_block,
    model_el,
    operation_el,
    safe_docstring,
)
from autobe_core.generate.emit import py_str
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import Actor, ProjectSpec
from autobe_core.spec.semantics import is_privileged, model_dto_fields

GENERATOR_VERSION = "1"
ADMIN_PATH = f"{BACKEND_PACKAGE}/admin.py"
MARK = "AUTOBE-ADMIN "
"""The prefix of the one JSON line ``--json`` prints (read by ``autobe admin create``)."""


class CreatorEntry(Slice):
    actor: str
    model: ModelRef
    primary: str
    identity: str
    """The identity's key in the join body (and its column)."""
    password: str
    """The password's key in the join body."""
    lowercase: bool


class AdminSlice(Slice):
    module: str = "admin"
    creators: tuple[CreatorEntry, ...] = ()


def creator(spec: ProjectSpec, actor: Actor) -> tuple[CreatorEntry | None, set[str]]:
    """The entry of a privileged ``actor`` that has a join operation whose body holds the
    identity and the password (None otherwise), and what it read."""
    from autobe_core.generate.kinds.operation.generator import is_email

    model = spec.model(actor.model)
    if model is None or not is_privileged(actor) or not actor.identity_field:
        return None, set()
    join = next((o for o in spec.operations if o.kind == "join" and o.model == model.name),
                None)
    if join is None:
        return None, set()
    fields = model_dto_fields(spec, model, "create")
    identity = next((f for f in fields if f.source == actor.identity_field), None)
    password = next((f for f in fields if f.role == "password"), None)
    plain = model.plain(actor.identity_field)
    if identity is None or password is None or plain is None:
        return None, set()
    entry = CreatorEntry(actor=actor.name, model=ModelRef.of(model),
                         primary=model.primary_field.name, identity=identity.name,
                         password=password.name, lowercase=is_email(plain))
    return entry, {actor_el(actor.name), model_el(model.name), operation_el(join)}


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    entries: list[CreatorEntry] = []
    reads: set[str] = {actor_el(a.name) for a in spec.actors}
    for actor in sorted(spec.actors, key=lambda a: a.name):
        entry, read = creator(spec, actor)
        if entry is not None:
            entries.append(entry)
            reads |= read
    imports = {"app:db"}
    for e in entries:
        imports |= {f"model:{e.model.name}", f"dto:{e.model.name}",
                    f"collector:{e.model.name}"}
    return [PlannedModule(
        id="auth:admin", kind="auth", path=ADMIN_PATH, slice=AdminSlice(creators=tuple(entries)),
        render=_render, generator_version=GENERATOR_VERSION, reads=frozenset(reads),
        imports=frozenset(imports),
    )]


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, AdminSlice)
    return render(slice_)


DOC = (
    "Accounts made from the command line: python -m app.admin create --actor ACTOR --email E "
    "[--set FIELD=VALUE ...]. A privileged actor never joins publicly (its join needs a "
    "privileged principal), so its first account is made here (`autobe admin create` runs "
    "this in the backend), in the database AUTOBE_DATABASE_URL names, at this backend's head "
    "migration (`autobe db upgrade` first). The password is asked for without echo, or read "
    "from standard input with --password-stdin. The account is built as its join builds one "
    "(the join body's validation, the password hashed); other fields the join body requires "
    "are given with --set. The e-mail is stored lowercased; a taken one is refused. Exit "
    "status 0 when the account was made, 1 otherwise (the message says why); --json prints "
    "the outcome as one line AUTOBE-ADMIN {...}."
)

MAIN = '''

class AdminError(Exception):
    """The account cannot be made; the message says why."""


def _fields(pairs: Sequence[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise AdminError(f"--set {pair!r}: write FIELD=VALUE")
        fields[name.strip()] = value
    return fields


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\\r\\n")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise AdminError("the two passwords differ")
    return password


def _problems(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'body'}: {problem['msg']}"
        for problem in error.errors()
    )


def _report(as_json: bool, outcome: dict[str, Any]) -> int:
    if as_json:
        print(MARK + json.dumps(outcome))
    elif "error" in outcome:
        print(f"error: {outcome['error']['message']}", file=sys.stderr)
    else:
        print(f"created {outcome['actor']} {outcome['id']} ({outcome['identity']})")
    return 1 if "error" in outcome else 0


def _fail(as_json: bool, kind: str, message: str) -> int:
    return _report(as_json, {"error": {"kind": kind, "message": message}})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.admin", description="Make accounts from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser(
        "create", help="make an account of a privileged actor (its first one, typically)")
    create.add_argument("--actor", required=True, metavar="ACTOR",
                        help="one of: " + (", ".join(sorted(CREATORS)) or "none"))
    create.add_argument("--email", required=True, metavar="E", help="the account's e-mail")
    create.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="another field of the join body (repeatable)")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input (one line)")
    create.add_argument("--json", action="store_true",
                        help="print the outcome as one JSON line")
    args = parser.parse_args(argv)
    make = CREATORS.get(args.actor)
    if make is None:
        allowed = ", ".join(sorted(CREATORS)) or "none (no privileged actor has a join)"
        return _fail(args.json, "actor",
                     f"{args.actor!r} is not a privileged actor with a join; allowed: {allowed}")
    try:
        fields = _fields(args.set)
        password = _password(args.password_stdin)
        prepare_database()
        with SessionLocal() as session:
            key, identity = make(session, args.email, password, fields)
    except AdminError as exc:
        return _fail(args.json, "refused", str(exc))
    except ValidationError as exc:
        return _fail(args.json, "invalid", _problems(exc))
    except DatabaseNotReady as exc:
        return _fail(args.json, "database", str(exc))
    except SQLAlchemyError as exc:
        return _fail(args.json, "database", str(getattr(exc, "orig", None) or exc))
    return _report(args.json, {"actor": args.actor, "id": str(key), "identity": identity})


if __name__ == "__main__":
    sys.exit(main())
'''


def taken_message(e: CreatorEntry) -> str:
    return f"an account of {e.actor} with this {e.identity} exists already"


def _creator(e: CreatorEntry) -> str:
    m = e.model
    C = m.class_name
    column = f"{C}.{e.identity}"
    match = f"func.lower({column}) == identity" if e.lowercase else f"{column} == identity"
    value = "email.lower()" if e.lowercase else "email"
    return (
        f"\n\ndef create_{e.actor}(\n"
        "    session: Session, email: str, password: str, fields: dict[str, str]\n"
        ") -> tuple[uuid.UUID, str]:\n"
        + safe_docstring(f"A new {e.actor} account, built as its join builds one.", "    ")
        + f"    identity = {value}\n"
        f"    body = {m.dto('join')}.model_validate(\n"
        f"        {{**fields, {py_str(e.identity)}: identity, {py_str(e.password)}: password}}\n"
        "    )\n"
        f"    taken = select({C}.{e.primary}).where({match})\n"
        "    if session.scalars(taken).first() is not None:\n"
        f"        raise AdminError({py_str(taken_message(e))})\n"
        f"    row = collect_{m.name}(body)\n"
        f"    row.{e.identity} = identity\n"
        "    session.add(row)\n"
        "    commit(session)\n"
        f"    return row.{e.primary}, identity\n"
    )


def render(s: AdminSlice) -> str:
    imports = [
        "import argparse", "import getpass", "import json", "import sys", "import uuid",
        "from collections.abc import Callable, Sequence", "from typing import Any",
        "from pydantic import ValidationError",
        "from sqlalchemy.exc import SQLAlchemyError", "from sqlalchemy.orm import Session",
    ]
    if s.creators:
        imports += ["from sqlalchemy import func, select",
                    "from app.db import DatabaseNotReady, SessionLocal, commit, prepare_database"]
    else:
        imports.append("from app.db import DatabaseNotReady, SessionLocal, prepare_database")
    for e in s.creators:
        m = e.model
        imports += [f"from app.models.{m.name} import {m.class_name}",
                    f"from app.dtos.{m.name} import {m.dto('join')}",
                    f"from app.collectors.{m.name} import collect_join as collect_{m.name}"]
    out = safe_docstring(DOC) + "\nfrom __future__ import annotations\n\n" + import_block(imports)
    out += f"\nMARK = {py_str(MARK)}\n"
    out += MAIN.split("\n\ndef main(")[0]
    out += "".join(_creator(e) for e in s.creators)
    out += ("\n\nCreator = Callable[[Session, str, str, dict[str, str]], tuple[uuid.UUID, str]]\n"
            "CREATORS: dict[str, Creator] = {\n"
            + "".join(f"    {py_str(e.actor)}: create_{e.actor},\n" for e in s.creators)
            + "}\n")
    out += "\n\ndef main(" + MAIN.split("\n\ndef main(", 1)[1]
    return out
