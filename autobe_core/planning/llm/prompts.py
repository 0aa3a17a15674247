"""The words the model reads. Deliberately short: the instructions live in the tool's
JSON schema (the pydantic ChangeSet and its docstrings) and in the diagnostics that come
back when a proposal does not apply, not in prose here."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

import yaml

from autobe_core.planning.llm.context import SpecContext, context_data
from autobe_core.spec.changeset import changeset_json_schema
from autobe_core.spec.diagnostics import Diagnostic
from autobe_core.spec.model import ProjectSpec

TOOL_NAME = "propose_change"

TOOL_DESCRIPTION = (
    "Propose the change to the backend's specification that carries out the user's "
    "request: a list of typed edits, applied in order, all or nothing. Call it exactly "
    "once with the complete change. If the request cannot be expressed as edits, call it "
    "with an empty edits list and say why in summary."
)

SYSTEM_PROMPT = """\
You maintain the specification of a generated backend (database models, API operations,
actors, in the shape of AutoBe's ASTs). Turn the user's request into a change by calling
propose_change; its JSON schema documents every edit.

Conventions:
- keys are camelCase; `op` selects the edit kind; edits apply in order, each against the
  spec the previous ones left.
- model, field, actor and relation-field names are snake_case; relation names and path
  parameters are camelCase; DTO type names are derived from model names.
- refer only to models, fields, actors and endpoints that exist (listed in the context)
  or that an earlier edit of the same change adds. Models in allModels exist even when
  their fields are not shown.
- follow the project's conventions (name prefixes, path layout, which actor owns rows);
  a new model usually needs a foreign field to its owner and the operations users need.
- keep the change minimal; put one line saying what it does in summary.

When a proposal does not apply you get diagnostics back (path into your change, code,
message, allowed values); fix exactly those and call propose_change again with the whole
corrected change.
"""

MAX_FEEDBACK = 20
"""Diagnostics sent back per try (the first ones; the count says how many there were)."""
MAX_ALLOWED = 40
"""Allowed values shown per diagnostic."""
FLOW_WIDTH = 100
"""Mappings and lists of scalars up to this many characters go on one line."""


@cache
def _parameters() -> dict[str, Any]:
    return changeset_json_schema()


def tool_definition() -> dict[str, Any]:
    """The one tool: ``propose_change``, its parameters the ChangeSet's JSON schema
    (computed once per process; callers must not mutate it)."""
    return {
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": TOOL_DESCRIPTION,
            "parameters": _parameters(),
        },
    }


def tool_choice() -> dict[str, Any]:
    return {"type": "function", "function": {"name": TOOL_NAME}}


def user_prompt(
    spec: ProjectSpec,
    text: str,
    context: SpecContext,
    understood: Mapping[str, object] | None = None,
) -> str:
    data = context_data(spec, context)
    if context.named:
        scope = (
            "The models the request names are "
            + ", ".join(context.named)
            + "; shown with them: their neighbours (relations, modules)."
        )
    else:
        scope = (
            "The request names no existing model: shown are the actors' models and, as "
            "exampleOperations, how this project writes its operations."
        )
    rules = ""
    if understood:
        rules = (
            "\n\nWhat the offline rules understood of the request (they could not finish it; "
            "use what is right, correct what is not):\n" + render_yaml(dict(understood))
        )
    return f"Request: {text}{rules}\n\n{scope}\n\nProject context:\n{render_yaml(data)}"


class _CompactDumper(yaml.SafeDumper):
    """Short mappings and lists of scalars on one line (as the fixtures write them),
    everything else in block style."""


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _short(items: list[Any]) -> bool:
    return all(_is_scalar(v) for v in items) and len(repr(items)) <= FLOW_WIDTH


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = _short(list(data.values())) and len(repr(data)) <= FLOW_WIDTH
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=_short(data))


_CompactDumper.add_representer(dict, _represent_dict)
_CompactDumper.add_representer(list, _represent_list)


def render_yaml(data: Any) -> str:
    text: str = yaml.dump(
        data, Dumper=_CompactDumper, sort_keys=False, allow_unicode=True, width=120
    )
    return text


def feedback(diagnostics: list[Diagnostic]) -> str:
    """The tool result for a proposal that did not apply: a JSON list of
    ``{path, code, message, allowed}``."""
    shown = diagnostics[:MAX_FEEDBACK]
    return json.dumps(
        [
            {
                "path": d.path,
                "code": d.code,
                "message": d.message,
                "allowed": list(d.allowed[:MAX_ALLOWED]),
            }
            for d in shown
        ],
        ensure_ascii=False,
    )


def retry_instruction(diagnostics: list[Diagnostic]) -> str:
    more = len(diagnostics) - MAX_FEEDBACK
    extra = f" ({more} more not shown: they may go away with these)" if more > 0 else ""
    return (
        f"The change was not applied: {len(diagnostics)} problem(s){extra}. Call "
        f"{TOOL_NAME} again with the complete, corrected change; fix exactly what the "
        "diagnostics say."
    )


IGNORED_CALL = json.dumps(
    [
        {
            "path": "$",
            "code": "llm.extra-call",
            "message": f"ignored: call {TOOL_NAME} once, with the whole change",
            "allowed": [],
        }
    ]
)
