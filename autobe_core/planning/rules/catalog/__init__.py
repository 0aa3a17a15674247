"""The feature catalog: named recipes the rule planner adds and removes.

Each feature is a :class:`~.base.Feature` (its names, what it attaches to, an example
request, and :meth:`~.base.Feature.parts`); :mod:`.engine` adds what the project lacks
and removes what the feature added.
"""

from __future__ import annotations

from autobe_core.planning.rules.catalog import audit, content, messaging, moderation, social
from autobe_core.planning.rules.catalog.base import Feature
from autobe_core.planning.rules.words import singular_words, snake_of

CATALOG: tuple[Feature, ...] = (
    messaging.FEATURES[0],
    social.FEATURES[0],
    *social.FEATURES[1:],
    *content.FEATURES,
    *moderation.FEATURES,
    *audit.FEATURES,
    *messaging.FEATURES[1:],
)
"""Every feature, in the order docs/planning.md lists them."""


def _key(phrase: str) -> str:
    return singular_words(snake_of(phrase))


ALIASES: dict[str, Feature] = {}
for _feature in CATALOG:
    for _alias in (_feature.key, *_feature.aliases):
        ALIASES.setdefault(_key(_alias), _feature)


def find_feature(phrase: str) -> Feature | None:
    """The feature a phrase names (any alias, singular or plural, with or without
    articles), or None."""
    return ALIASES.get(_key(phrase))


def alias_phrases() -> list[str]:
    return [alias for f in CATALOG for alias in (f.key, *f.aliases)]


__all__ = ["ALIASES", "CATALOG", "Feature", "find_feature"]
