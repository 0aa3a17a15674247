"""The registry of grammar forms: each form declared once, with its handler.

A :class:`Form` is what the docs and the "did you mean" suggestions show (name,
template, examples, family). A handler reads a request against one spec
(:class:`~.context.Context`) and returns the plan, None when the words are not its
form, or raises NotUnderstood / NothingToDo. A handler is registered with the forms it
reads by :func:`reads`::

    @reads(Form("remove a model", "remove model MODEL", ("remove model labels",), "models"))
    def remove_model(g: Context, text: str) -> Planned | None: ...

A second handler of the same form (another wording, tried at another point of the
order) names the form instead of declaring it again: ``@reads("remove a field")``.
The order the handlers are tried in is behaviour (the first that matches decides) and
is given once, to :meth:`Registry.ordered`, which fails when a registered handler is
missing from it or a handler in it is not registered. An inconsistent registry (a form
declared twice, a name that no form has, a handler left out of the order) raises
ValueError when the grammar is imported: a programming error, never a user's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.grammar.context import Context

Family = Literal["models", "fields", "cross-cutting", "operations", "features"]

FAMILIES: tuple[Family, ...] = ("models", "fields", "cross-cutting", "operations", "features")
"""The families, in the order the docs list their forms."""


@dataclass(frozen=True)
class Form:
    """One request form, for the docs and for "did you mean" suggestions."""

    name: str
    template: str
    examples: tuple[str, ...]
    family: Family


Handler = Callable[[Context, str], Planned | None]
"""Reads a request: the plan, or None when the words are not this form."""


@dataclass(frozen=True)
class Reader:
    """One registered handler and the forms it reads."""

    handler: Handler
    forms: tuple[Form, ...]

    @property
    def name(self) -> str:
        return self.handler.__name__


class Registry:
    """The forms and their handlers, in declaration order."""

    def __init__(self) -> None:
        self._forms: dict[str, Form] = {}
        self._readers: list[Reader] = []

    def reads(self, *forms: Form | str) -> Callable[[Handler], Handler]:
        """Register the decorated handler as reading ``forms``: a :class:`Form` is
        declared here; a name refers to a form declared by an earlier handler."""

        def register(handler: Handler) -> Handler:
            if any(r.handler is handler for r in self._readers):
                raise ValueError(f"{handler.__name__} is registered twice")
            self._readers.append(Reader(handler, tuple(self._declare(f) for f in forms)))
            return handler

        return register

    def _declare(self, form: Form | str) -> Form:
        if isinstance(form, str):
            if form not in self._forms:
                raise ValueError(f"no form {form!r} is declared (yet)")
            return self._forms[form]
        if form.name in self._forms:
            raise ValueError(f"the form {form.name!r} is declared twice")
        self._forms[form.name] = form
        return form

    def forms(self) -> tuple[Form, ...]:
        """Every form, by family (:data:`FAMILIES`), then in declaration order."""
        return tuple(sorted(self._forms.values(), key=lambda f: FAMILIES.index(f.family)))

    def ordered(self, order: Sequence[Handler]) -> tuple[Reader, ...]:
        """The readers in ``order``: every registered handler exactly once."""
        by_handler = {r.handler: r for r in self._readers}
        unknown = [h.__name__ for h in order if h not in by_handler]
        missing = [r.name for r in self._readers if r.handler not in order]
        twice = sorted({h.__name__ for h in order if list(order).count(h) > 1})
        if unknown or missing or twice:
            raise ValueError(
                f"the order of the forms is wrong: unregistered {unknown}, "
                f"missing {missing}, twice {twice}"
            )
        return tuple(by_handler[h] for h in order)


REGISTRY = Registry()
"""The rule planner's grammar."""

reads = REGISTRY.reads
