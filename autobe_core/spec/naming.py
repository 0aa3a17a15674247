"""Names: the identifier grammar, reserved words, and the names derived from the spec.

Every name that reaches generated code passes :func:`identifier_problem` first (the
validator enforces it), and every derived name is computed here, in one place, so the
validator and the generators can never disagree about what a model's class or an
operation's module is called.
"""

from __future__ import annotations

import functools
import keyword
import re
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only for types: spec.realization derives ids without the model
    from autobe_core.spec.model import Model, ProjectSpec


class Endpoint(Protocol):
    """What an operation id is derived from (a spec ``Operation`` has it)."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
"""Model, field, actor, relation and project names."""

CAMEL = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
"""Path parameter names (AutoBe writes ``todoId``)."""

PASCAL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
"""DTO base names."""

TYPE_NAME = re.compile(r"^I[A-Z][A-Za-z0-9]*(\.I[A-Z][A-Za-z0-9]*)?$")
"""AutoBe DTO type names: ``ITodo``, ``ITodo.ICreate``, ``IPageITodo.ISummary``."""

PATH_SEGMENT = re.compile(r"^(?:[A-Za-z][A-Za-z0-9_-]*|\{[A-Za-z][A-Za-z0-9]*\})$")

MAX_NAME_LENGTH = 63
"""PostgreSQL truncates identifiers longer than this."""

SQL_RESERVED = frozenset(
    """
    all analyse analyze and any array as asc asymmetric authorization between binary both
    case cast check collate column constraint create cross current_catalog current_date
    current_role current_schema current_time current_timestamp current_user default
    deferrable desc distinct do else end except false fetch for foreign freeze from full
    grant group having ilike in initially inner intersect into is isnull join lateral
    leading left like limit localtime localtimestamp natural not notnull null offset on
    only or order outer overlaps placing primary references returning right select
    session_user similar some symmetric table tablesample then to trailing true union
    unique user using variadic verbose when where window with
    """.split()
)
"""PostgreSQL's reserved key words (SQL:2016 core plus PostgreSQL's own)."""

GENERATOR_MODULE_NAMES = frozenset(
    """
    app db main errors security common pagination auth models dtos collectors transformers
    operations tests conftest factories settings fastapi sqlalchemy pydantic typing uuid
    datetime enum jwt hashlib email test
    """.split()
)
"""Module and package names of the generated backend and its imports: a model, actor or
project called like one would shadow it."""

ORM_ATTRIBUTES = frozenset(
    """
    metadata registry query session self cls model_config model_fields model_computed_fields
    schema json dict copy construct validate fields
    """.split()
)
"""Attributes that SQLAlchemy's declarative base and pydantic's BaseModel own."""

ANNOTATION_NAMES = frozenset(
    """
    str int float bool list dict set tuple bytes object datetime date time uuid
    decimal any optional literal annotated mapped field emailstr sa orm
    """.split()
)
"""Names the generated code uses in annotations inside classes: a field so named would
shadow the type for the rest of the class body."""

PYTHON_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)

RELATION_NAME = re.compile(r"^[a-z][A-Za-z0-9]*$")
"""Relation (navigation) names: AutoBe writes them in camelCase (``authorMember``)."""

RESERVED_CLASS_NAMES = frozenset(
    """
    Base Mapped Session SessionLocal Select ForeignKey String Integer Float Boolean DateTime
    Uuid UUID Text Index UniqueConstraint Enum BaseModel Field ConfigDict EmailStr AnyUrl
    HttpUrl Literal Annotated Optional Any Mapping Sequence Iterator Generator APIRouter
    Depends FastAPI HTTPException Query Path Body Request Response JSONResponse TestClient
    StaticPool IntegrityError NoResultFound ApiError NotFoundError ConflictError
    ForbiddenError UnauthorizedError NotImplementedOperation Decimal DeclarativeBase
    HTTPBearer HTTPAuthorizationCredentials Principal
    """.split()
)
"""Class-like names the generated modules import or define: a model class (or a DTO
class) called like one would shadow it in the modules that import both."""

HANDLER_NAMES = frozenset(
    """
    app router session db principal body request response bound row rows result query
    stmt statement page total status uuid datetime typing fastapi sqlalchemy pydantic
    select func errors models dtos collectors transformers security actors common
    """.split()
)
"""Names the generated handlers use for their own parameters, locals and imports: a path
parameter (raw or snake_case) so named would shadow one."""


def identifier_problem(name: str, grammar: re.Pattern[str] = SNAKE) -> str | None:
    """Why ``name`` cannot be a generated Python identifier at all, or None."""
    if not grammar.match(name):
        return f"{name!r} does not match the identifier grammar {grammar.pattern}"
    if len(name) > MAX_NAME_LENGTH:
        return f"{name!r} is longer than {MAX_NAME_LENGTH} characters"
    if name in PYTHON_RESERVED:
        return f"{name!r} is a Python keyword"
    if "__" in name:
        return f"{name!r} contains '__', which the generated code reserves"
    return None


def model_name_problem(name: str) -> str | None:
    """Model names become table names and module names."""
    return (
        identifier_problem(name)
        or _reserved(name, SQL_RESERVED, "an SQL reserved word")
        or _reserved(name, GENERATOR_MODULE_NAMES, "a module name the generated backend uses")
    )


def field_problem(name: str) -> str | None:
    """Field names become columns, ORM attributes and pydantic attributes."""
    problem = (
        identifier_problem(name)
        or _reserved(name, SQL_RESERVED, "an SQL reserved word")
        or _reserved(name, ORM_ATTRIBUTES, "an attribute SQLAlchemy or pydantic owns")
        or _reserved(name, ANNOTATION_NAMES, "a type name the generated classes use")
    )
    if problem is None and name.startswith("model_"):
        problem = f"{name!r} starts with 'model_', which pydantic reserves"
    return problem


RELATION_SHADOWED_NAMES = ANNOTATION_NAMES - {"list", "dict", "set", "tuple"}
"""The annotation names a relation could shadow: relations are attributes of ORM classes
only (many-to-one side), whose annotations are ``Mapped[<scalar>]`` - container names
are never used there (the todo fixture has a relation named ``list``)."""


def relation_problem(name: str) -> str | None:
    """Relation names become ORM attributes (never columns, never DTO fields)."""
    return (
        identifier_problem(name, RELATION_NAME)
        or _reserved(name, ORM_ATTRIBUTES, "an attribute SQLAlchemy or pydantic owns")
        or _reserved(name, RELATION_SHADOWED_NAMES, "a type name the generated classes use")
    )


def actor_problem(name: str) -> str | None:
    """Actor names become function and module-level names (``require_member``)."""
    return identifier_problem(name) or _reserved(
        name, GENERATOR_MODULE_NAMES, "a module name the generated backend uses"
    )


def project_name_problem(name: str) -> str | None:
    """The project name becomes the package of the generated backend."""
    problem = identifier_problem(name)
    if problem is None and name in GENERATOR_MODULE_NAMES:
        problem = f"{name!r} is a module name the generated backend uses"
    return problem


def class_name_problem(name: str) -> str | None:
    """DTO base names (``dtoName``) become class names."""
    problem = identifier_problem(name, PASCAL)
    if problem is None and name in RESERVED_CLASS_NAMES:
        problem = f"{name!r} is a class name the generated code imports"
    return problem


def path_problem(path: str) -> str | None:
    """Why ``path`` is not an operation path: it starts with ``/`` and every segment
    matches :data:`PATH_SEGMENT`."""
    if not path.startswith("/"):
        return f"{path!r} does not start with '/'"
    if path == "/":
        return None
    for segment in path[1:].split("/"):
        if not segment:
            return f"{path!r} has an empty segment"
        if not PATH_SEGMENT.match(segment):
            return f"segment {segment!r} of {path!r} does not match {PATH_SEGMENT.pattern}"
    return None


def parameter_problem(name: str) -> str | None:
    """Path parameters become handler arguments (as written and in snake_case)."""
    problem = identifier_problem(name, CAMEL)
    if problem:
        return problem
    snake_name = snake(name)
    problem = identifier_problem(snake_name)
    if problem:
        return f"its snake_case form {snake_name!r} is not usable: {problem}"
    for candidate in {name.lower(), snake_name}:
        if candidate in HANDLER_NAMES:
            return f"{name!r} would shadow {candidate!r}, a name the generated handlers use"
    return None


def printable_problem(text: str) -> str | None:
    """Why ``text`` cannot be a one-line literal or label (enum value, namespace)."""
    if not text:
        return "it is empty"
    if not text.isprintable():
        return f"{text!r} holds control characters or line breaks"
    return None


def _reserved(name: str, words: frozenset[str], what: str) -> str | None:
    return f"{name!r} is {what}" if name.lower() in words else None


# --------------------------------------------------------------------------- derived


def pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def singular(word: str) -> str:
    """English singular of a plural table-name word, for class names only."""
    lowered = word.lower()
    for plural, single in (
        ("ies", "y"),
        ("sses", "ss"),
        ("xes", "x"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("us", "us"),
        ("ss", "ss"),
        ("is", "is"),
    ):
        if lowered.endswith(plural):
            return word[: len(word) - len(plural)] + single
    if lowered.endswith("s") and len(word) > 1:
        return word[:-1]
    return word


def dto_base(model: Model) -> str:
    """``todo_list_todos`` -> ``TodoListTodo`` unless the model names its own."""
    return model.dto_name or _dto_base(model.name)


@functools.lru_cache(maxsize=4096)
def _dto_base(name: str) -> str:
    parts = name.split("_")
    parts[-1] = singular(parts[-1])
    return pascal("_".join(parts))


def class_name(model: Model) -> str:
    """The ORM class name; the DTOs carry the ``I`` prefix, so they never collide."""
    return dto_base(model)


def module_name(model: Model) -> str:
    """File stem for the model's modules (models/, dtos/, collectors/, ...)."""
    return model.name


def dto_type_names(model: Model) -> dict[str, str]:
    """AutoBe's type names for the DTOs derived from one model."""
    base = f"I{dto_base(model)}"
    return {
        "read": base,
        "summary": f"{base}.ISummary",
        "create": f"{base}.ICreate",
        "update": f"{base}.IUpdate",
        "request": f"{base}.IRequest",
        "page": f"IPage{base}.ISummary",
        "page_read": f"IPage{base}",
        "join": f"{base}.IJoin",
        "login": f"{base}.ILogin",
        "refresh": f"{base}.IRefresh",
        "authorized": f"{base}.IAuthorized",
    }


def python_dto_name(type_name: str) -> str:
    """``IPageITodo.ISummary`` -> ``IPageITodoISummary``: a Python class name."""
    return type_name.replace(".", "")


LIFECYCLE_TYPES: dict[str, str] = {
    "change_password": "IChangePassword",
    "reset_request": "IResetRequest",
    "reset_confirm": "IResetConfirm",
    "verify_request": "IVerifyRequest",
    "verify_confirm": "IVerifyConfirm",
    "message": "IAccountMessage",
}
"""Account lifecycle kind -> the last part of its request type name; ``message``: the
answer of a reset / verification (:mod:`autobe_core.spec.lifecycle`)."""


def lifecycle_type_names(model: Model) -> dict[str, str]:
    """The account lifecycle types of an actor model (``I<Base>.IChangePassword``, ...);
    the generated lifecycle operation modules define them."""
    base = f"I{dto_base(model)}"
    return {kind: f"{base}.{part}" for kind, part in LIFECYCLE_TYPES.items()}


COMMON_TYPE_NAMES = frozenset({"IPage.IPagination", "IAuthorizationToken"})

AUTH_DTO_KINDS = frozenset({"join", "login", "refresh", "authorized"})
"""DTO kinds (keys of :func:`dto_type_names`) only actor models get."""


def known_type_names(spec: ProjectSpec) -> dict[str, str]:
    """Every DTO type name an operation may use -> what defines it."""
    known = {name: "built-in" for name in COMMON_TYPE_NAMES}
    actor_models = {a.model for a in spec.actors}
    for model in spec.models:
        for kind, type_name in dto_type_names(model).items():
            if kind in AUTH_DTO_KINDS and model.name not in actor_models:
                continue
            known[type_name] = f"model {model.name}"
        if model.name in actor_models:
            for type_name in lifecycle_type_names(model).values():
                known.setdefault(type_name, f"model {model.name} (account lifecycle)")
    for schema_name in spec.schemas:
        known.setdefault(schema_name, "schema")
    return known


def path_parameters(path: str) -> list[str]:
    return re.findall(r"\{([^{}]*)\}", path)


def operation_id(op: Endpoint) -> str:
    """A unique, stable Python name for an operation, from its endpoint.

    ``PATCH /bbs/articles/{articleId}/comments`` -> ``patch_bbs_articles_by_articleid_comments``.
    Endpoints are unique (validated), so ids are too.
    """
    return _endpoint_id(op.method, op.path)


@functools.lru_cache(maxsize=4096)
def _endpoint_id(method: str, path: str) -> str:
    """:func:`operation_id` of an endpoint (a pure function of two strings, cached)."""
    words: list[str] = [method]
    for segment in path.strip("/").split("/"):
        if not segment:
            continue
        if segment.startswith("{") and segment.endswith("}"):
            words.append("by_" + _snake(segment[1:-1]))
        else:
            words.append(_snake(segment))
    return "_".join(words)


@functools.lru_cache(maxsize=8192)
def _snake(text: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def snake(text: str) -> str:
    """camelCase or kebab-case -> snake_case (path parameters, actor-facing names)."""
    return _snake(text)
