""" "Did you mean": the catalog entries and grammar forms nearest to a request."""

from __future__ import annotations

import difflib

from autobe_core.planning.rules.catalog import CATALOG
from autobe_core.planning.rules.grammar.registry import REGISTRY


def closest(text: str, n: int = 5) -> list[str]:
    """The catalog entries and grammar forms nearest to ``text`` (difflib)."""
    entries: list[tuple[str, list[str]]] = []
    for feature in CATALOG:
        keys = [f"add {a}" for a in (feature.key, *feature.aliases)]
        keys += [f"remove {a}" for a in (feature.key, *feature.aliases)]
        entries.append((f"{feature.example} (catalog: {feature.key})", [*keys, feature.example]))
    for form in REGISTRY.forms():
        entries.append((f"{form.examples[0]} ({form.name})", [form.template, *form.examples]))
    words = text.split()
    scored: list[tuple[float, str]] = []
    for label, keys in entries:
        best = 0.0
        for key in keys:
            ratio = difflib.SequenceMatcher(None, text, key.lower()).ratio()
            for word in words:
                if len(word) > 3:
                    for kw in key.lower().split():
                        if len(kw) > 3:
                            ratio = max(
                                ratio, 0.6 * difflib.SequenceMatcher(None, word, kw).ratio() + 0.3
                            )
            best = max(best, ratio)
        scored.append((best, label))
    scored.sort(key=lambda s: -s[0])
    return [label for _, label in scored[:n]]
