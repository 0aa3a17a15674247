"""The planner chain a project uses: the offline rules first, then an LLM when one is
configured in the environment."""

from __future__ import annotations

from autobe_core.planning.base import Planner, PlannerChain


def default_chain() -> PlannerChain:
    from autobe_core.planning.llm.config import llm_config_from_env
    from autobe_core.planning.llm.planner import LlmPlanner
    from autobe_core.planning.rules.planner import RulePlanner

    planners: list[Planner] = [RulePlanner()]
    config = llm_config_from_env()
    if config is not None:
        planners.append(LlmPlanner(config))
    return PlannerChain(planners)
