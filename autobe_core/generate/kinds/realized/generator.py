"""Planner for the `realized` kind: ``app/realized/<operation_id>.py``.

The text is the code recorded in the spec (``Operation.realized.code``), written as is:
the LLM wrote it against the operation's typed interface and it passed mypy --strict and
the operation's tests before it was recorded (:mod:`autobe_core.realize`). The slice is
that text, so the module is rebuilt only when the text changes. Only current code is
emitted (:func:`.context.current_realized`): stale code (its interface or context
changed since) and operations with the user's own file get no module, and their
handlers answer as if nothing were realized. ``app/realized/__init__.py`` exists only
when some module does, so projects without realized operations are unchanged.
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import Slice, operation_el, safe_docstring
from autobe_core.generate.kinds.operation.render import imported_module_ids
from autobe_core.generate.kinds.realized.context import current_realized
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.naming import operation_id

GENERATOR_VERSION = "1"
PACKAGE_DOC = "Operations an LLM realized against their typed interfaces (autobe realize)."


class RealizedSlice(Slice):
    operation_id: str
    code: str


class PackageSlice(Slice):
    pass


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, RealizedSlice)
    return slice_.code if slice_.code.endswith("\n") else slice_.code + "\n"


def _render_package(slice_: BaseModel) -> str:
    assert isinstance(slice_, PackageSlice)
    return safe_docstring(PACKAGE_DOC)


def realized_module_path(op_id: str) -> str:
    return f"{BACKEND_PACKAGE}/realized/{op_id}.py"


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    modules: list[PlannedModule] = []
    for op in spec.operations:
        realized = current_realized(spec, op)
        if realized is None:
            continue
        op_id = operation_id(op)
        modules.append(PlannedModule(
            id=f"realized:{op_id}",
            kind="realized",
            path=realized_module_path(op_id),
            slice=RealizedSlice(operation_id=op_id, code=realized.code),
            render=_render,
            generator_version=GENERATOR_VERSION,
            reads=frozenset({operation_el(op)}),
            imports=imported_module_ids(realized.code.splitlines())
            | {f"operation:interface:{op_id}"},
        ))
    if modules:
        modules.append(PlannedModule(
            id="realized:package", kind="realized",
            path=f"{BACKEND_PACKAGE}/realized/__init__.py", slice=PackageSlice(),
            render=_render_package, generator_version=GENERATOR_VERSION,
        ))
    return modules
