"""What the rule planner refuses: ambiguous or unknown references and unknown requests
name the closest entries; the chain adds how to configure an LLM."""

from __future__ import annotations

import pytest

from autobe_core.planning.base import NotUnderstood, PlannerChain
from autobe_core.planning.rules import NothingToDo, RulePlanner
from tests.unit.rule_planner.support import (
    PLANNER,
    SPECS,
)

# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("fixture", "text", "closest"),
    [
        ("todo", "add field priority:int to todos", "todo_items"),
        ("todo", "remove the delete todo endpoint", "remove DELETE /todo/user/items/{itemId}"),
        (
            "bbs",
            "remove the delete comment endpoint",
            "remove DELETE /bbs/moderator/articles/{articleId}/comments/{commentId}",
        ),
        ("bbs", "rename posts to articles", "bbs_articles"),
        ("bbs", "add comments to psots", "bbs_articles"),
        ("bbs", "add a field nickname:int to members", "nickname"),
        ("bbs", "make the subtitle of articles unique", "bbs_articles.title"),
    ],
)
def test_ambiguous_or_unknown_references(fixture: str, text: str, closest: str) -> None:
    before = SPECS[fixture]
    with pytest.raises((NotUnderstood, NothingToDo)) as info:
        PLANNER.plan(before, text)
    exc = info.value
    if isinstance(exc, NotUnderstood):
        assert any(closest in c for c in exc.closest), exc.closest
    else:
        assert closest in exc.message
    assert SPECS[fixture] == before


@pytest.mark.parametrize(
    ("text", "closest"),
    [
        ("add notificatons", "add notifications"),
        ("please frobnicate the widgets", ""),
        ("add a liking sytem to articles", "add field liking_sytem:string to bbs_articles"),
        ("give everybody a pony", ""),
        ("make it faster", "make color of labels unique"),
    ],
)
def test_unknown_requests_name_the_closest_entries(text: str, closest: str) -> None:
    with pytest.raises(NotUnderstood) as info:
        PLANNER.plan(SPECS["bbs"], text)
    assert info.value.closest
    assert all("(" in c for c in info.value.closest)  # "example (catalog: key)" / "(form)"
    if closest:
        assert any(c.startswith(closest) for c in info.value.closest), info.value.closest


def test_the_chain_adds_how_to_configure_an_llm() -> None:
    chain = PlannerChain([RulePlanner()])
    with pytest.raises(NotUnderstood) as info:
        chain.plan(SPECS["todo"], "teach the items to sing")
    assert info.value.hint is not None and "AUTOBE_LLM_MODEL" in info.value.hint
    assert info.value.closest
    assert chain.plan(SPECS["todo"], "add likes").planner == "rules"
