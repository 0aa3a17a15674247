"""What the model reads when it realizes an operation, and how its answer is read.

The user message is the operation's context (:mod:`autobe_core.generate.kinds.realized`):
the operation (method, path, actor, summary, description, specification), its typed
interface module, the DTO and transformer modules of the models it touches and the ORM
model modules of those models and their graph neighbours, each as the generated text, in
a fixed order; of a DTO module only the classes the other modules name (:func:`excerpt`).
The model answers with the module in one fenced ``python`` block. A try that fails sends
back what failed: mypy's diagnostics, or the failing tests' names and output.
"""

from __future__ import annotations

import ast
import re

from autobe_core.generate.kinds.realized import ContextModules
from autobe_core.spec.model import Operation

SYSTEM_PROMPT = """\
You implement one operation of a generated Python backend (FastAPI, SQLAlchemy 2.0 ORM,
pydantic v2). Write ONE Python module that defines `class Implementation(Interface)`, where
Interface is imported from the operation's interface module, and implements `handle` with
exactly the interface's signature (same argument names, types and return type).
Rules:
- use the `session` you are given (SQLAlchemy 2.0 style: `select(...)`, `session.scalars`,
  `session.get`); after writing rows call `commit(session)` from `app.db`;
- answer errors by raising those of `app.errors`: NotFoundError (404), ForbiddenError (403),
  ConflictError (409), UnauthorizedError (401); a row the path names that does not exist
  (or is soft-deleted) is a NotFoundError; `principal.id` is the caller's account id;
- build response DTOs with their pydantic constructors (or the model's `to_read` style
  transformers when the context shows them); import only modules the context shows or the
  standard library;
- the module must pass `mypy --strict` and the operation's tests;
- answer with the whole module in one ```python block and nothing else."""


def user_prompt(op: Operation, context: ContextModules, texts: dict[str, str]) -> str:
    """The context as the model reads it; ``texts``: module path -> generated text."""
    lines = [
        f"Operation: {op.method.upper()} {op.path} (operation id {context.operation_id})",
        f"Caller: {op.actor or 'public (no token)'}",
    ]
    for label, value in (("Summary", op.summary), ("Description", op.description),
                         ("Specification", op.specification)):
        if value.strip():
            lines.append(f"{label}: {value.strip()}")
    lines.append(f"Models it touches: {', '.join(context.touched) or 'none'}; "
                 f"neighbours: {', '.join(context.neighbours) or 'none'}")
    lines.append(f"Write app/realized/{context.operation_id}.py.")
    used = _names(" ".join(texts[m.path] for m in context.all() if not m.id.startswith("dto:")))
    for module in context.all():
        text = texts[module.path]
        if module.id.startswith("dto:"):
            text = excerpt(text, used)
        lines += ["", f"# {module.path}", "```python", text.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def _names(text: str) -> set[str]:
    return set(re.findall(r"\b[A-Z][A-Za-z0-9_]*\b", text))


def excerpt(module_text: str, names: set[str]) -> str:
    """A DTO module as the model needs it: its imports and other top-level statements, and
    only the classes ``names`` holds (those the interface, the transformers and the
    models name), each as generated; ``# (N more DTO classes left out)`` says what was
    dropped. The whole text when it does not parse."""
    try:
        tree = ast.parse(module_text)
    except SyntaxError:
        return module_text
    kept: list[str] = []
    dropped = 0
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            continue  # the module docstring
        if isinstance(node, ast.ClassDef) and node.name not in names:
            dropped += 1
            continue
        kept.append(ast.get_source_segment(module_text, node, padded=True) or "")
    if dropped:
        kept.append(f"# ({dropped} more DTO classes of this module left out)")
    return "\n\n".join(kept) + "\n"


def feedback(stage: str, report: str) -> str:
    """The message that sends a failed try's diagnostics back."""
    what = {"mypy": "mypy --strict reported these errors",
            "tests": "the operation's tests failed",
            "compile": "the module does not compile",
            "import": "the application does not import with the module",
            "answer": "the answer held no module"}.get(stage, f"{stage} failed")
    return (f"{what}:\n{report.strip()}\n\nFix the module and answer with the whole "
            "corrected module in one ```python block.")


_FENCE = re.compile(r"```[ \t]*(?:python|py)?[ \t]*\n(.*?)```", re.DOTALL)


def extract_code(content: str) -> str | None:
    """The module in a reply: the fenced block defining ``Implementation`` (else the
    first fenced block), or the whole reply when it is bare code; None when there is
    none."""
    blocks = _FENCE.findall(content)
    for block in blocks:
        if "class Implementation" in block:
            return str(block).strip() + "\n"
    if blocks:
        return str(blocks[0]).strip() + "\n"
    if "class Implementation" in content:
        return content.strip() + "\n"
    return None
