"""What every grammar form reads a request against: one spec, its conventions, and the
resolver of the names a request uses (models, fields, actors, namespaces)."""

from __future__ import annotations

import re

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.adapt import Conventions
from autobe_core.planning.rules.resolve import Resolver
from autobe_core.spec.model import Model, ProjectSpec

EVERY = r"(?:every|each|all(?:\s+the)?|all\s+of\s+the)\s+(?:models?|tables?|entities|resources)"
"""``every model`` and its variants (a scope of several models)."""


class Context:
    """One spec, as the forms see it."""

    def __init__(self, spec: ProjectSpec) -> None:
        self.spec = spec
        self.conv = Conventions.of(spec)
        self.resolver: Resolver = self.conv.resolver

    def scope(self, phrase: str) -> tuple[Model | None, str | None, bool]:
        """``every model`` -> (None, None); ``every model in NS`` / ``namespace NS`` /
        ``the NS namespace`` -> (None, NS); a model -> (model, None)."""
        p = phrase.strip()
        if re.fullmatch(rf"{EVERY}|everything|everywhere|all|the\s+(?:whole\s+)?project", p):
            return None, None, True
        m = re.fullmatch(
            rf"(?:{EVERY}\s+)?(?:in|of)\s+(?:the\s+)?(?:namespace\s+)?"
            r"(?P<ns>[\w -]+?)(?:\s+namespace)?",
            p,
        ) or re.fullmatch(
            r"(?:the\s+)?namespace\s+(?P<ns>.+)|(?:the\s+)?(?P<ns2>[\w -]+?)\s+namespace", p
        )
        if m:
            raw = m.groupdict().get("ns") or m.groupdict().get("ns2") or ""
            ns = self.resolver.namespace(raw)
            if ns is None:
                raise NotUnderstood(
                    f"no namespace {raw!r}; the namespaces are "
                    + ", ".join(self.spec.namespaces()),
                    self.spec.namespaces(),
                )
            return None, ns, True
        return self.resolver.model(p), None, False
