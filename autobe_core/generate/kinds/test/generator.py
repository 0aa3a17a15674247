"""Planner and generator for the `test` module kind: the generated backend's own tests.

Modules (ids, paths):

- ``test:package`` ``tests/__init__.py``: makes ``tests`` a package, so tests import
  ``tests.factories.<model>`` and ``tests.helpers`` absolutely from the workspace root;
- ``test:helpers`` ``tests/helpers.py``: unique values, the accounts' password, bearer
  headers, ``key_of(row)``, ``reload(session, cls, key)``;
- ``test:conftest`` ``tests/conftest.py``: fixtures ``engine`` (an empty database per
  test: in-memory SQLite, or PostgreSQL when ``AUTOBE_TEST_DATABASE_URL`` is set), ``session``
  and ``client`` (TestClient, ``get_session`` overridden);
- ``test:health`` ``tests/test_health.py``: ``GET /health`` answers 200;
- ``test:errors`` ``tests/test_errors.py``: unknown routes, wrong methods and malformed
  bodies answer the one error shape, which the OpenAPI document declares;
- ``test:settings`` ``tests/test_settings.py``: the app does not start without a usable
  ``AUTOBE_JWT_SECRET``;
- ``test:factories`` ``tests/factories/__init__.py`` and ``test:factory:<model>``
  ``tests/factories/<model>.py``: ``make_<model>(session, **overrides)``;
- ``test:<operation_id>`` ``tests/test_<operation_id>.py``: the operation's tests (of a
  user-owned custom operation: :mod:`.custom`).

Slices and reads are cut in :mod:`autobe_core.generate.kinds.test.slices`. ``tests/helpers.py``,
``tests/conftest.py`` and ``tests/test_health.py`` are fixed files under
``generate/static/tests/`` (:mod:`autobe_core.generate.fixed`); the two package markers are
one-line texts here.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from autobe_core.generate.emit import py_str
from autobe_core.generate.fixed import plan_fixed
from autobe_core.generate.kinds.operation.lifecycle import handles
from autobe_core.generate.kinds.test import access, auth, crud, custom, realized, roles, write
from autobe_core.generate.kinds.test.behaviours import add_behaviour_tests
from autobe_core.generate.kinds.test.factories import render_factory
from autobe_core.generate.kinds.test.lifecycle import planned as lifecycle_module
from autobe_core.generate.kinds.test.render import TestModule
from autobe_core.generate.kinds.test.slices import (
    EmptySlice,
    FactorySlice,
    OperationTestSlice,
    factory_slice,
    operation_slice,
)
from autobe_core.generate.plan import PlannedModule
from autobe_core.spec.model import OperationKind, ProjectSpec

GENERATOR_VERSION = "5"
"""2: one database and app per test run, emptied after each test; rows of row operations
get the parents their path selects. 3: PostgreSQL when ``AUTOBE_TEST_DATABASE_URL`` is
set (a fresh schema per run, built by the migrations); ``GET /health`` tested; fixed
files keyed by their text's digest. 4: rows made along the access model's owner chains;
cross-account cases (:mod:`.access`). 5: grandparents in the path (``reach``), the caller's
own account, an index without a body."""

APP_DB_MODULE_ID = "app:db"
APP_MAIN_MODULE_ID = "app:main"
APP_MODELS_MODULE_ID = "app:models"
APP_SETTINGS_MODULE_ID = "app:settings"
SECURITY_MODULE_ID = "auth:security"

PACKAGE_INIT = '"""The generated backend\'s tests (a package: modules import ``tests.*``)."""\n'
FACTORIES_INIT = (
    '"""Row factories: ``make_<model>(session, **overrides)`` in ``tests.factories.<model>``."""\n'
)

ADDERS: dict[OperationKind, Callable[[TestModule], None]] = {
    "create": crud.add_create,
    "at": crud.add_at,
    "index": crud.add_index,
    "update": write.add_update,
    "erase": write.add_erase,
    "join": auth.add_join,
    "login": auth.add_login,
    "refresh": auth.add_refresh,
    "custom": auth.add_custom,
}


def _constant(text: str) -> Callable[[BaseModel], str]:
    def render(slice_: BaseModel) -> str:
        assert isinstance(slice_, EmptySlice)
        return text

    return render


def _fixed(module_id: str, path: str, text: str, imports: set[str]) -> PlannedModule:
    return PlannedModule(
        id=module_id, kind="test", path=path, slice=EmptySlice(), render=_constant(text),
        generator_version=GENERATOR_VERSION, reads=frozenset(), imports=frozenset(imports),
    )


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    modules = [
        _fixed("test:package", "tests/__init__.py", PACKAGE_INIT, set()),
        plan_fixed("test:helpers", "test", "tests/helpers.py", GENERATOR_VERSION,
                   {SECURITY_MODULE_ID, "app:dtos_common"}),
        plan_fixed("test:settings", "test", "tests/test_settings.py", GENERATOR_VERSION,
                   {"test:conftest", APP_MAIN_MODULE_ID, APP_SETTINGS_MODULE_ID}),
        plan_fixed("test:conftest", "test", "tests/conftest.py", GENERATOR_VERSION,
                   {APP_DB_MODULE_ID, APP_MAIN_MODULE_ID, APP_MODELS_MODULE_ID,
                    APP_SETTINGS_MODULE_ID}),
        plan_fixed("test:health", "test", "tests/test_health.py", GENERATOR_VERSION,
                   {"test:conftest", APP_DB_MODULE_ID}),
        plan_fixed("test:errors", "test", "tests/test_errors.py", GENERATOR_VERSION,
                   {"test:conftest", "app:errors", APP_MAIN_MODULE_ID}),
        _fixed("test:factories", "tests/factories/__init__.py", FACTORIES_INIT, set()),
    ]
    for model in spec.models:
        slice_, reads = factory_slice(spec, model)
        modules.append(PlannedModule(
            id=f"test:factory:{model.name}", kind="test",
            path=f"tests/factories/{model.name}.py", slice=slice_, render=_render_factory,
            generator_version=GENERATOR_VERSION, reads=reads,
            imports=frozenset(factory_imports(slice_)),
        ))
    for op in spec.operations:
        if handles(spec, op):  # the account lifecycle: :mod:`.lifecycle`
            modules.append(lifecycle_module(spec, op))
            continue
        op_slice, reads = operation_slice(spec, op)
        user: Implemented | None = custom.user_test_slice(op, op_slice) or \
            realized.realized_test_slice(spec, op, op_slice)
        module = build_operation_module(op_slice, user)
        modules.append(PlannedModule(
            id=f"test:{op_slice.operation_id}", kind="test",
            path=f"tests/test_{op_slice.operation_id}.py", slice=user or op_slice,
            render=_render_operation, generator_version=GENERATOR_VERSION, reads=reads,
            imports=module.module_ids(),
        ))
    return modules


def factory_imports(s: FactorySlice) -> set[str]:
    text = render_factory(s)
    ids = {f"model:{s.model}"}
    if "from tests.helpers import" in text:
        ids.add("test:helpers")
    ids |= {
        f"test:factory:{f.target_model}" for f in s.fields
        if f.role == "foreign" and not f.nullable and f.target_model
        and f.target_model != s.model
    }
    return ids


def _render_factory(slice_: BaseModel) -> str:
    assert isinstance(slice_, FactorySlice)
    return render_factory(slice_)


Implemented = custom.UserTestSlice | realized.RealizedTestSlice
"""A custom operation an implementation serves: the user's, or the LLM's (realized)."""


def build_operation_module(s: OperationTestSlice,
                           user: Implemented | None = None) -> TestModule:
    module = TestModule(s)
    if isinstance(user, realized.RealizedTestSlice):  # realized by an LLM (:mod:`.realized`)
        realized.add_realized(module, user)
    elif user is not None:  # a user-owned custom operation (:mod:`.custom`)
        custom.add_user_custom(module, user.body)
    else:
        ADDERS[s.kind](module)
    roles.add_role_tests(module)
    access.add_cross_account(module)
    if user is None:
        add_behaviour_tests(module)
    return module


def render_operation(s: OperationTestSlice, user: Implemented | None = None) -> str:
    module = build_operation_module(s, user)
    constants = [("METHOD", py_str(s.method.upper())), ("PATH", py_str(s.path))]
    actor = s.caller or s.account
    if actor is not None:
        constants.append(("ACTOR", py_str(actor.actor)))
    if s.caller is not None and s.other is not None:
        constants.append(("OTHER_ACTOR", py_str(s.other.actor)))
    return module.render(constants)


def _render_operation(slice_: BaseModel) -> str:
    if isinstance(slice_, custom.UserTestSlice | realized.RealizedTestSlice):
        return render_operation(slice_.base, slice_)
    assert isinstance(slice_, OperationTestSlice)
    return render_operation(slice_)
