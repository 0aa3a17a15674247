"""The realize use case: custom operations written by the configured LLM, recorded as a
revision.

Reads the head (spec, migration chain), runs :func:`autobe_core.realize.realize_project`
without holding the project's lock (model calls are slow), then records what passed as
one change through the usual path (:func:`proposals.propose` then
:func:`changes.apply_proposal`: regenerated, verified, recorded) with planner
``realize`` and the run's tokens and tries on the revision. If another change landed in
between, :class:`HeadMoved` and nothing is recorded. Operations that reached the bound
stay 501; their diagnostics are in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from autobe_core.planning.base import Plan
from autobe_core.planning.llm import LlmConfig
from autobe_core.realize import Chat, RealizeReport, TryCallback, realize_project
from autobe_core.service import changes, migrations, proposals
from autobe_core.service.changes import ChangeOptions, ChangeOutcome, HeadMoved
from autobe_core.service.hooks import Hooks
from autobe_core.service.session import ProjectSession
from autobe_core.verify import WARM_DIR

CACHE_DIR = "realize-mypy-cache"
"""Under the project's state directory: mypy's cache for the staged trees (kept apart from
the workspace's own, whose paths differ)."""
PLANNER = "realize"
"""The planner name a realize revision records (``autobe log`` shows it)."""


@dataclass
class RealizeOutcome:
    report: RealizeReport
    change: ChangeOutcome | None = None
    """The recorded revision (or its rejection); None when nothing was realized."""


SessionOpener = Callable[[bool], AbstractContextManager[ProjectSession]]
"""``opener(write)``: a unit of work on the project (ProjectService.session)."""


def realize(
    open_session: SessionOpener,
    config: LlmConfig,
    *,
    only: Sequence[str] = (),
    max_tries: int | None = None,
    options: ChangeOptions | None = None,
    hooks: Hooks | None = None,
    on_try: TryCallback | None = None,
    chat: Chat | None = None,
    mypy_cache: Path | None = None,
) -> RealizeOutcome:
    """Realize the head's pending custom operations and record what passed."""
    with open_session(False) as session:
        project = session.project()
        base = project.head
        spec = session.spec_at(project, base)
        chain = migrations.chain_at(project, base)
        workspace = session.layout.workspace
        cache = mypy_cache or session.layout.state / CACHE_DIR
        warm = session.layout.state / WARM_DIR
    report = realize_project(spec, chat or Chat(config), workspace=workspace,
                             migrations=chain, max_tries=max_tries, only=only, on_try=on_try,
                             mypy_cache=cache, warm=warm)
    changeset = report.changeset(spec)
    if changeset is None:
        return RealizeOutcome(report)
    plan = Plan(changeset=changeset, explanation=changeset.summary, planner=PLANNER,
                tokens=report.tokens, tries=max(1, report.tries))
    with open_session(True) as session:
        project = session.project()
        if project.head != base:
            raise HeadMoved(
                f"another change landed while realizing (revision {base} -> {project.head}); "
                "nothing was recorded", "run autobe realize again")
        head_spec = session.spec_at(project, project.head)
        wanted = proposals.to_request(plan, head_spec)
        proposal = proposals.propose(project.head, head_spec, wanted,
                                     migrations.chain_at(project, project.head))
        outcome = changes.apply_proposal(session, proposal, options or ChangeOptions(),
                                         hooks or Hooks())
    return RealizeOutcome(report, outcome)
