"""The LLM planner: natural-language requests -> ChangeSets through any OpenAI-compatible
model, by function calling with validation feedback (see docs/llm.md)."""

from autobe_core.planning.llm.config import LlmConfig, LlmConfigError, llm_config_from_env
from autobe_core.planning.llm.context import SpecContext, select_context
from autobe_core.planning.llm.planner import LlmEndpointError, LlmPlanner, LlmPlanningFailed

__all__ = [
    "LlmConfig",
    "LlmConfigError",
    "LlmEndpointError",
    "LlmPlanner",
    "LlmPlanningFailed",
    "SpecContext",
    "llm_config_from_env",
    "select_context",
]
