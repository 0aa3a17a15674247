"""Custom operations: the typed interface, the handler that calls an implementation, and
the stub of a user's implementation (docs/generated-backend.md, "Custom operations").

For every ``custom`` operation the operation kind plans, besides its handler, a generated
**interface** module ``app/interfaces/<operation_id>.py`` (module id
``operation:interface:<operation_id>``)::

    class Interface(ABC):
        @abstractmethod
        def handle(self, session: Session, <principal: XPrincipal,> <body: IDto,>
                   <path args>) -> IResponse | None: ...

``principal`` when the operation requires an actor; ``body`` when it declares a request
body: its DTO class when the type is one the spec derives (``app.dtos.<model>``,
``app.dtos.common``), else ``dict[str, Any]`` (the JSON object as sent); the return type
likewise from the response body, ``None`` without one. Path arguments are named and typed
as the handler's (``path_<name>``).

An implementation is a module defining ``class Implementation(Interface)``. When the
operation is the user's (``Operation.implementation == "user"``) the handler is planned
here from a :class:`HandlerSlice` and calls ``Implementation().handle(...)`` from
``app.custom.<operation_id>``; the user's file is created once from :func:`render_stub`
by the build (:mod:`autobe_core.build.user_files`), never by the generator. Otherwise the
operation module stays the 501 handler of :mod:`.render`.
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import Slice, import_block, model_el, safe_docstring
from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.operation import generator
from autobe_core.generate.kinds.operation.generator import OperationSlice
from autobe_core.generate.kinds.operation.render import imported_module_ids
from autobe_core.generate.kinds.operation.responses import responses_argument, route_statuses
from autobe_core.generate.kinds.realized.context import current_realized
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import Body, Operation, ProjectSpec
from autobe_core.spec.naming import (
    AUTH_DTO_KINDS,
    COMMON_TYPE_NAMES,
    dto_type_names,
    module_name,
    operation_id,
    pascal,
    python_dto_name,
)
from autobe_core.spec.realization import USER_PACKAGE, orphaned_user_files, user_file

__all__ = [
    "HANDLER_VERSION",
    "INTERFACE_VERSION",
    "HandlerSlice",
    "InterfaceSlice",
    "interface_slice",
    "orphaned_user_files",
    "plan",
    "plan_custom",
    "plan_package",
    "render_stub",
    "user_file",
    "user_files",
]

INTERFACE_VERSION = "1"
HANDLER_VERSION = "2"
"""2: a handler whose operation answers no body does not use handle()'s None result."""
GENERATED_DTO_KINDS = frozenset({"read", "summary", "create", "update", "request", "page"})
"""The DTO kinds ``app/dtos/<model>.py`` defines (plus :data:`AUTH_DTO_KINDS` on actor
models)."""
CUSTOM_PACKAGE = USER_PACKAGE
"""Where the users' implementations live (never generated, never removed): ``app/custom``
(:mod:`autobe_core.spec.realization` says so, for ``status`` and the build alike)."""


class TypeRef(Slice):
    """A body's Python annotation and the module it is imported from (None: typing)."""

    name: str
    module: str | None = None
    model: str | None = None
    """The model whose DTO it is (its element is read)."""


class ParamRef(Slice):
    arg: str
    name: str
    type: str


class InterfaceSlice(Slice):
    """What ``app/interfaces/<operation_id>.py`` needs: the handler's arguments."""

    operation_id: str
    method: str
    path: str
    summary: str = ""
    description: str = ""
    actor: str | None = None
    params: tuple[ParamRef, ...] = ()
    request: TypeRef | None = None
    response: TypeRef | None = None


class HandlerSlice(Slice):
    """A custom operation whose handler calls ``Implementation().handle(...)``."""

    interface: InterfaceSlice
    handler: str
    implementation: str
    """The module defining ``Implementation``: ``app.custom.<operation_id>`` (the user's)."""


def _type_ref(spec: ProjectSpec, body: Body | None) -> TypeRef | None:
    if body is None:
        return None
    if body.type_name in COMMON_TYPE_NAMES:
        return TypeRef(name=python_dto_name(body.type_name), module="app.dtos.common")
    actor_models = {a.model for a in spec.actors}
    for model in spec.models:
        for kind, type_name in dto_type_names(model).items():
            if type_name != body.type_name:
                continue
            if kind in GENERATED_DTO_KINDS or (kind in AUTH_DTO_KINDS
                                               and model.name in actor_models):
                return TypeRef(name=python_dto_name(type_name),
                               module=f"app.dtos.{module_name(model)}", model=model.name)
    return TypeRef(name="dict[str, Any]")


def interface_slice(spec: ProjectSpec, op: Operation, base: OperationSlice
                    ) -> tuple[InterfaceSlice, frozenset[str]]:
    """The interface of custom operation ``op`` (``base``: its operation slice) and the
    spec elements it reads besides the operation's."""
    request, response = _type_ref(spec, op.request_body), _type_ref(spec, op.response_body)
    reads = {model_el(t.model) for t in (request, response) if t is not None and t.model}
    slice_ = InterfaceSlice(
        operation_id=base.operation_id, method=base.method, path=base.path,
        summary=base.summary, description=base.description, actor=base.actor,
        params=tuple(ParamRef(arg=p.arg, name=p.name, type=p.type) for p in base.params),
        request=request, response=response,
    )
    return slice_, frozenset(reads)


# --------------------------------------------------------------------------- text


def _principal(actor: str) -> str:
    return f"{pascal(actor)}Principal"


def _type_imports(s: InterfaceSlice) -> list[str]:
    lines = ["from sqlalchemy.orm import Session"]
    if s.actor is not None:
        lines.append(f"from app.auth.actors import {_principal(s.actor)}")
    names: dict[str, set[str]] = {}
    for ref in (s.request, s.response):
        if ref is not None:
            names.setdefault(ref.module or "typing", set()).add(ref.name if ref.module
                                                                else "Any")
    lines += [f"from {module} import {', '.join(sorted(n))}" for module, n in names.items()]
    types = {p.type for p in s.params}
    if "uuid.UUID" in types:
        lines.append("import uuid")
    if "decimal.Decimal" in types:
        lines.append("import decimal")
    common = sorted(types & {"Text", "Timestamp"})
    if common:
        lines.append(f"from app.dtos.common import {', '.join(common)}")
    return lines


def _arguments(s: InterfaceSlice) -> list[tuple[str, str]]:
    """(name, annotation) of ``handle``'s arguments after ``self``, in order."""
    args = [("session", "Session")]
    if s.actor is not None:
        args.append(("principal", _principal(s.actor)))
    if s.request is not None:
        args.append(("body", s.request.name))
    return args + [(p.arg, p.type) for p in s.params]


def _returns(s: InterfaceSlice) -> str:
    return s.response.name if s.response is not None else "None"


def _handle_signature(s: InterfaceSlice, indent: str = "    ") -> str:
    inner = f"{indent}    self,\n" + "".join(
        f"{indent}    {name}: {annotation},\n" for name, annotation in _arguments(s))
    return f"{indent}def handle(\n{inner}{indent}) -> {_returns(s)}:\n"


def _endpoint(s: InterfaceSlice) -> str:
    return f"{s.method.upper()} {s.path}"


def render_interface(s: InterfaceSlice) -> str:
    out = safe_docstring(
        f"The typed interface of {_endpoint(s)}, a custom operation. Generated: autobe "
        "rewrites this file when the operation or its DTOs change. Its implementation is "
        f"Implementation in app/custom/{s.operation_id}.py (the user's).")
    out += "\nfrom __future__ import annotations\n\n"
    out += import_block(["from abc import ABC, abstractmethod", *_type_imports(s)])
    out += "\n\nclass Interface(ABC):\n"
    out += safe_docstring(f"{_endpoint(s)}: {s.summary.strip() or 'a custom operation.'}",
                          "    ")
    out += "\n    @abstractmethod\n" + _handle_signature(s)
    return out + safe_docstring(s.description or "Answer the request.", "        ")


def render_stub(s: InterfaceSlice) -> str:
    """The user's implementation file as autobe creates it once: answers 501."""
    out = safe_docstring(
        f"{_endpoint(s)}: your implementation. This file is yours: autobe created it once "
        "and never overwrites or removes it. Implement handle() with the signature of "
        f"Interface in app/interfaces/{s.operation_id}.py (generated); a change that makes "
        "this file fail mypy --strict is refused unless you pass --keep-mine. Raise the "
        "errors of app/errors.py (NotFoundError, ForbiddenError, ...) for error answers and "
        "call commit(session) from app.db after writing. Your own tests go in "
        "tests/custom/; autobe check runs them.")
    out += "\nfrom __future__ import annotations\n\n"
    out += import_block([*_type_imports(s), "from app.errors import NotImplementedOperation",
                         f"from app.interfaces.{s.operation_id} import Interface"])
    out += "\n\nclass Implementation(Interface):\n" + _handle_signature(s)
    return out + ("        raise NotImplementedOperation(\n"
                  f"            {py_str(f'{_endpoint(s)} is not implemented yet')}\n"
                  "        )\n")


def _handler_imports(h: HandlerSlice) -> list[str]:
    s = h.interface
    lines = [line for line in _type_imports(s) if not line.startswith("from app.auth.actors")]
    fastapi = {"APIRouter", "Depends"}
    typing = {"Annotated"}
    if s.actor is not None:
        lines.append(f"from app.auth.actors import {_principal(s.actor)}, require_{s.actor}")
    if s.params:
        fastapi.add("Path")
    lines += [f"from fastapi import {', '.join(sorted(fastapi))}",
              f"from typing import {', '.join(sorted(typing))}",
              "from app.db import get_session", "from app.errors import error_responses",
              f"from {h.implementation} import Implementation"]
    return lines


def _handler_signature(h: HandlerSlice) -> str:
    s = h.interface
    args: list[str] = []
    if s.request is not None:
        args.append(f"body: {s.request.name}")
    if s.actor is not None:
        args.append(f"principal: Annotated[{_principal(s.actor)}, Depends(require_{s.actor})]")
    args.append("session: Annotated[Session, Depends(get_session)]")
    args += [f"{p.arg}: Annotated[{p.type}, Path(alias={py_str(p.name)})]" for p in s.params]
    inner = "".join(f"    {a},\n" for a in args)
    return f"def {h.handler}(\n{inner}) -> {_returns(s)}:\n"


def render_handler(h: HandlerSlice) -> str:
    s = h.interface
    head = f"{_endpoint(s)}: {s.summary.strip() or 'a custom operation.'}"
    out = safe_docstring(head)
    out += "\nfrom __future__ import annotations\n\n" + import_block(_handler_imports(h))
    statuses = route_statuses(principal=s.actor is not None, params=bool(s.params))
    args = [py_str(s.path), f"operation_id={py_str(s.operation_id)}",
            responses_argument(statuses)]
    if s.summary.strip():
        args.append(f"summary={py_str(s.summary)}")
    if s.description.strip():
        args.append(f"description={py_str(s.description)}")
    out += "\nrouter = APIRouter()\n\n\n" + f"@router.{s.method}(\n"
    out += "".join(f"    {a},\n" for a in args) + ")\n" + _handler_signature(h)
    out += safe_docstring(s.description or f"Calls Implementation in {h.implementation}.",
                          "    ")
    call = "".join(f"        {name}={name},\n" for name, _ in _arguments(s))
    result = "return " if s.response is not None else ""  # a None result is not used
    return out + f"    {result}Implementation().handle(\n{call}    )\n"


# --------------------------------------------------------------------------- planning


def _render_interface(slice_: BaseModel) -> str:
    assert isinstance(slice_, InterfaceSlice)
    return render_interface(slice_)


def _render_handler(slice_: BaseModel) -> str:
    assert isinstance(slice_, HandlerSlice)
    return render_handler(slice_)


def _interface_imports(s: InterfaceSlice) -> frozenset[str]:
    return imported_module_ids(_type_imports(s))


INTERFACES_INIT = '"""Typed interfaces of the custom operations (generated)."""\n'


class PackageSlice(Slice):
    """``app/interfaces/__init__.py``: a package marker."""

    package: str = "interfaces"


def _render_package(slice_: BaseModel) -> str:
    assert isinstance(slice_, PackageSlice)
    return INTERFACES_INIT


def plan_package(spec: ProjectSpec) -> list[PlannedModule]:
    """``app/interfaces/__init__.py`` when the spec has a custom operation."""
    if not any(op.kind == "custom" for op in spec.operations):
        return []
    return [PlannedModule(
        id="operation:interfaces", kind="operation",
        path=f"{BACKEND_PACKAGE}/interfaces/__init__.py", slice=PackageSlice(),
        render=_render_package, generator_version=INTERFACE_VERSION,
    )]


def plan_custom(spec: ProjectSpec, op: Operation, base: OperationSlice,
                reads: frozenset[str]) -> tuple[PlannedModule | None, PlannedModule]:
    """The modules of custom operation ``op`` (``base``/``reads``: its operation slice and
    what it read): the handler when an implementation serves it (None: the operation
    kind's 501 handler), and the interface."""
    interface, more = interface_slice(spec, op, base)
    interface_id = f"operation:interface:{base.operation_id}"
    interface_module = PlannedModule(
        id=interface_id, kind="operation",
        path=f"{BACKEND_PACKAGE}/interfaces/{base.operation_id}.py",
        slice=interface, render=_render_interface, generator_version=INTERFACE_VERSION,
        reads=reads | more, imports=_interface_imports(interface),
    )
    realized = op.kind == "custom" and current_realized(spec, op) is not None
    if op.kind != "custom" or (op.implementation != "user" and not realized):
        return None, interface_module
    op_id = operation_id(op)
    owner = "custom" if op.implementation == "user" else "realized"  # the user's file wins
    handler = HandlerSlice(interface=interface, handler=base.handler,
                           implementation=f"app.{owner}.{op_id}")
    handler_module = PlannedModule(
        id=f"operation:{op_id}", kind="operation",
        path=f"{BACKEND_PACKAGE}/operations/{op_id}.py", slice=handler,
        render=_render_handler, generator_version=HANDLER_VERSION, reads=reads | more,
        imports=imported_module_ids(_handler_imports(handler)) | {interface_id}
        | ({f"realized:{op_id}"} if owner == "realized" else set()),
    )
    return handler_module, interface_module


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    """The operation kind's modules: :func:`generator.plan`'s, each custom operation's
    interface (and the package marker), and for an operation an implementation serves,
    its handler in place of the 501 one."""
    modules = generator.plan(spec)
    by_id = {m.id: k for k, m in enumerate(modules)}
    extra = plan_package(spec)
    for op in spec.operations:
        if op.kind != "custom":
            continue
        k = by_id[f"operation:{operation_id(op)}"]
        base = modules[k]
        assert isinstance(base.slice, OperationSlice)
        handler, interface = plan_custom(spec, op, base.slice, base.reads)
        extra.append(interface)
        if handler is not None:
            modules[k] = handler
    return modules + extra


CUSTOM_INIT = ('"""Your implementations of custom operations (autobe never overwrites or '
               'removes these files)."""\n')
TESTS_INIT = '"""Your own tests of your custom operations (run by autobe check)."""\n'


def user_files(modules: list[PlannedModule]) -> dict[str, str]:
    """path -> initial text of every user file the planned ``modules`` call for: the stub
    of each user-owned operation's implementation, and the package markers of
    ``app/custom/`` and ``tests/custom/``. The build writes those the workspace lacks."""
    files: dict[str, str] = {}
    for module in modules:
        slice_ = module.slice
        if isinstance(slice_, HandlerSlice) and slice_.implementation.startswith("app.custom."):
            files[user_file(slice_.interface.operation_id)] = render_stub(slice_.interface)
    if files:
        files[f"{CUSTOM_PACKAGE}/__init__.py"] = CUSTOM_INIT
        files["tests/custom/__init__.py"] = TESTS_INIT
    return files
