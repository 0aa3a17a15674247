"""The understanding pipeline of the rule planner (docs/planning.md): read the words
(morphology from lemminflect), find what they name anywhere in the sentence, decide the
intent from the cue words, and build typed edits with one builder per intent.

``understand(context, text)`` returns an :class:`Understanding` (also what an LLM planner
is given when the rules cannot finish); ``build(context, understanding)`` the plan.
"""

from autobe_core.planning.rules.understand.builders import BUILDERS, build
from autobe_core.planning.rules.understand.understanding import Understanding, understand

__all__ = ["BUILDERS", "Understanding", "build", "understand"]
