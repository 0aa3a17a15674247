"""The rule planner: offline, deterministic, adapted to the project.

``RulePlanner().plan(spec, text)`` reads a request written as a command (the forms of
:mod:`.grammar`: exact, fast, documented) or, when no form reads it, in everyday words
(:mod:`.understand`: intent, entities, features and field details found anywhere in the
sentence), builds the edits, and checks them with
:func:`autobe_core.spec.edits.engine.check` before returning: every plan applies cleanly to the
spec it was made for. A request it cannot read raises NotUnderstood naming the closest
catalog entries and grammar forms; a request already satisfied raises NothingToDo.
"""

from __future__ import annotations

from collections.abc import Mapping

from autobe_core.planning.base import NotUnderstood, Plan
from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.explain import explain
from autobe_core.planning.rules.grammar import Grammar, closest
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.understand import build, understand
from autobe_core.planning.rules.words import NAME_RULE, normalize
from autobe_core.spec import check
from autobe_core.spec.changeset import ChangeSet
from autobe_core.spec.model import ProjectSpec


def _plan(spec: ProjectSpec, request: str) -> Planned:
    """The command forms first; everyday words when no form reads the request. A form
    that read the request but could not finish it (an unknown name) is kept as the
    answer when the words are not understood either."""
    try:
        return Grammar(spec).plan(request)
    except NotUnderstood as by_form:
        if NAME_RULE in by_form.message:
            raise  # a name the user wrote that cannot be one: never read otherwise
        context = Context(spec)
        try:
            understanding = understand(context, request)
        except NotUnderstood:
            raise by_form from None
        try:
            planned = build(context, understanding)
        except NotUnderstood as by_words:
            summary = understanding.summary()
            if understanding.intent is None:
                raise NotUnderstood(
                    by_form.message, by_form.closest, by_form.hint, understood=summary
                ) from None
            raise NotUnderstood(
                by_words.message,
                by_words.closest or by_form.closest,
                by_words.hint,
                understood=summary,
            ) from None
        return planned


class RulePlanner:
    """The offline planner (``planner: rules`` on the revision)."""

    name = "rules"

    def plan(
        self, spec: ProjectSpec, text: str, understood: Mapping[str, object] | None = None
    ) -> Plan:
        request = normalize(text)
        if not request:
            raise NotUnderstood("the request is empty", closest("add"))
        planned = _plan(spec, request)
        changeset = ChangeSet(edits=planned.edits, summary=planned.understood)
        problems = check(spec, changeset)
        if problems:
            shown = "; ".join(f"{d.path}: {d.message}" for d in problems[:4])
            more = f" (and {len(problems) - 4} more)" if len(problems) > 4 else ""
            raise NotUnderstood(
                f"the rules read {text!r} as {planned.understood!r}, but that change does "
                f"not fit this project: {shown}{more}",
                closest(request),
            )
        return Plan(
            changeset=changeset,
            explanation=explain(spec, planned.understood, planned.edits, planned.notes),
            planner=self.name,
        )
