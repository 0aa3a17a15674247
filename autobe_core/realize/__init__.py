"""LLM realize (issue 13 item 3): custom operations without a user file get their body
written by a model against their typed interface, checked by mypy --strict and by
running the operation's generated tests, within a bounded number of tries.

- :mod:`.prompts`: the system prompt, the context as the model reads it, feedback, and
  reading the module out of a reply;
- :mod:`.chat`: one chat completion against the configured OpenAI-compatible endpoint;
- :mod:`.stage`: the staged copy of the workspace where a candidate is judged;
- :mod:`.loop`: one operation's loop (ask, stage, judge, feed back);
- :mod:`.project`: which operations are pending or kept, the run, the report and the
  change that records what passed.

The context and its key live with the generator
(:mod:`autobe_core.generate.kinds.realized`), which emits only current code. The service
records a run as a revision (``ProjectService.realize``); see docs/llm.md.
"""

from autobe_core.realize.chat import Answer, Chat
from autobe_core.realize.loop import Outcome, TryCallback, realize_operation, with_realized
from autobe_core.realize.project import RealizeReport, pending_operations, realize_project
from autobe_core.realize.prompts import SYSTEM_PROMPT, extract_code, user_prompt
from autobe_core.realize.stage import Stage, Verdict

__all__ = [
    "SYSTEM_PROMPT",
    "Answer",
    "Chat",
    "Outcome",
    "RealizeReport",
    "Stage",
    "TryCallback",
    "Verdict",
    "extract_code",
    "pending_operations",
    "realize_operation",
    "realize_project",
    "user_prompt",
    "with_realized",
]
