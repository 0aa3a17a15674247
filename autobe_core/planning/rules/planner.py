"""The rule planner: offline, deterministic, adapted to the project.

``RulePlanner().plan(spec, text)`` reads a direct request (:mod:`.grammar`) or a catalog
feature (:mod:`.catalog`), builds the edits, and checks them with
:func:`autobe_core.spec.edits.engine.check` before returning: every plan applies cleanly to the
spec it was made for. A request it cannot read raises NotUnderstood naming the closest
catalog entries and grammar forms; a request already satisfied raises NothingToDo.
"""

from __future__ import annotations

from autobe_core.planning.base import NotUnderstood, Plan
from autobe_core.planning.rules.explain import explain
from autobe_core.planning.rules.grammar import Grammar, closest
from autobe_core.planning.rules.words import normalize
from autobe_core.spec import check
from autobe_core.spec.changeset import ChangeSet
from autobe_core.spec.model import ProjectSpec


class RulePlanner:
    """The offline planner (``planner: rules`` on the revision)."""

    name = "rules"

    def plan(self, spec: ProjectSpec, text: str) -> Plan:
        request = normalize(text)
        if not request:
            raise NotUnderstood("the request is empty", closest("add"))
        planned = Grammar(spec).plan(request)
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
