"""The planner interface: natural-language request -> typed ChangeSet + explanation.

A planner never touches the project: it reads the spec at head and proposes edits. The
service applies them through the same path as a structured change (validate, regenerate,
verify, record), and records which planner produced them and what it cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from autobe_core.errors import AutobeError
from autobe_core.spec.changeset import ChangeSet
from autobe_core.spec.model import ProjectSpec


@dataclass(frozen=True)
class Plan:
    changeset: ChangeSet
    explanation: str
    """What the planner understood and what the edits do, for the user to confirm."""
    planner: str
    """``rules`` or ``llm``: recorded on the revision."""
    tokens: int = 0
    tries: int = 1


class NotUnderstood(AutobeError):
    """The planner cannot turn this request into edits. ``closest`` names the nearest
    things it does understand (catalog features, grammar forms); ``understood`` what it
    did read of the request (intent, models, actors, features, unplaced words), which
    the next planner of the chain is given."""

    def __init__(
        self,
        message: str,
        closest: Sequence[str] = (),
        hint: str | None = None,
        understood: Mapping[str, object] | None = None,
    ):
        super().__init__(message, hint)
        self.closest = list(closest)
        self.understood = dict(understood) if understood else {}


class Planner(Protocol):
    name: str

    def plan(
        self, spec: ProjectSpec, text: str, understood: Mapping[str, object] | None = None
    ) -> Plan:
        """A plan for ``text`` against ``spec``, or NotUnderstood. ``understood``: what
        an earlier planner of the chain read of the request (its intent, the models,
        actors and features it found, the words it could not place)."""
        ...


@dataclass
class PlannerChain:
    """Planners tried in order (rules first, then an LLM when configured): the first
    that understands the request wins."""

    planners: list[Planner] = field(default_factory=list)
    llm_hint: str = (
        "configure an OpenAI-compatible model to handle free-form requests: set "
        "AUTOBE_LLM_MODEL (and AUTOBE_LLM_BASE_URL / AUTOBE_LLM_API_KEY for OpenRouter, vLLM, "
        "Ollama or OpenAI), or write the change as typed edits: autobe change --edits FILE.yaml"
    )

    def plan(self, spec: ProjectSpec, text: str) -> Plan:
        misses: list[NotUnderstood] = []
        understood: dict[str, object] = {}
        for planner in self.planners:
            try:
                return planner.plan(spec, text, understood or None)
            except NotUnderstood as exc:
                misses.append(exc)
                understood = understood or exc.understood
        closest = [c for miss in misses for c in miss.closest]
        tried = ", ".join(p.name for p in self.planners) or "none"
        detail = "; ".join(m.message for m in misses)
        has_llm = any(p.name == "llm" for p in self.planners)
        raise NotUnderstood(
            f"could not understand {text!r} (planners tried: {tried}): {detail}",
            closest,
            None if has_llm else self.llm_hint,
        )
