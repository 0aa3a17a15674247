"""Derivations of a spec held still, computed once per holding.

Generating a tree asks the same questions of one spec thousands of times (a model's field
roles, its DTO fields, an operation's bindings: each a pure function of the spec values
it is given). Spec values are frozen pydantic models, but their lists are ordinary lists,
and the importer builds a spec by appending to them: a cache that outlived the spec's
construction could answer for a spec that has changed since. So derivations are cached
only while a caller *holds* the spec still: inside ``with held():`` (the module planner
holds it for one plan), a :func:`memoized` function answers each distinct argument tuple
once. Outside a holding it computes every time, as before.

Arguments are keyed by identity (strings, numbers and other scalars by value) and the
memo keeps them alive until the holding ends, so an id is never reused within one. Each
call returns a shallow copy of a list, dict or set answer, so a caller that adds to what
it got changes nothing for the next one (the elements are frozen values).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar, overload

P = ParamSpec("P")
R = TypeVar("R")

_Memo = dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]]
"""key -> (the arguments, kept alive; the answer)."""

_HELD: ContextVar[_Memo | None] = ContextVar("autobe_spec_held", default=None)

_SCALARS = (str, int, float, bool, bytes, type(None))


@contextmanager
def held() -> Iterator[None]:
    """Hold the spec values in use still: :func:`memoized` derivations are computed once
    until the block ends. Nested holdings share the outer one. The caller promises not
    to change any spec value inside the block."""
    if _HELD.get() is not None:
        yield
        return
    token = _HELD.set({})
    try:
        yield
    finally:
        _HELD.reset(token)


def is_held() -> bool:
    """Whether the caller runs inside :func:`held`."""
    return _HELD.get() is not None


def _key_part(value: Any) -> Any:
    return value if isinstance(value, _SCALARS) else ("id", id(value))


def _fresh(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, set):
        return set(value)
    return value


@overload
def memoized(function: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def memoized(*, copy: bool = True) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def memoized(
    function: Callable[P, R] | None = None, /, *, copy: bool = True
) -> Callable[P, R] | Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a pure function of positional arguments while a spec is :func:`held`.
    ``copy=False``: the answer is handed out as it is (an internal index its module
    never lets out)."""

    def decorate(inner: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(inner)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            memo = _HELD.get()
            if memo is None or kwargs:
                return inner(*args, **kwargs)
            key = (inner, *map(_key_part, args))
            found = memo.get(key)
            if found is None:
                found = (args, inner(*args, **kwargs))
                memo[key] = found
            answer: R = _fresh(found[1]) if copy else found[1]
            return answer

        return wrapper

    return decorate if function is None else decorate(function)
