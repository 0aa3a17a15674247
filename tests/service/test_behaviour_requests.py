"""Declaring domain behaviour as a request on a fresh project (issue 13, item 4): the rule
planner's forms (``count views of articles``, ``snapshot articles into article_snapshots``)
are applied verified (mypy --strict and the generated tests, which now hold the behaviours'
own tests), and an incremental build regenerates only the modules whose reads changed:
the model's own modules and the operations that carry the behaviour, with their tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autobe_core.build import read_manifest
from tests.service.test_planner_requests import new_project, request


@pytest.mark.slow
def test_views_and_snapshots_of_bbs_articles(tmp_path: Path) -> None:
    service = new_project(tmp_path, "bbs")
    views = request(service, "count views of articles")
    regenerated = set(views.regenerated)
    assert "operation:get_bbs_articles_by_article_id" in regenerated
    assert "test:get_bbs_articles_by_article_id" in regenerated
    manifest = read_manifest(service.layout.workspace)
    assert manifest is not None and len(regenerated) * 4 < len(manifest)
    snapshot = request(service, "snapshot articles into article_snapshots")
    assert {"operation:put_bbs_member_articles_by_article_id",
            "operation:put_bbs_moderator_articles_by_article_id"} <= set(snapshot.regenerated)
    model = service.spec().model("bbs_articles")
    assert model is not None
    assert [b.kind for b in model.behaviours] == ["view_count", "snapshot"]
    tests = (service.layout.workspace / "tests").glob("test_*articles_by_article_id.py")
    text = "".join(p.read_text(encoding="utf-8") for p in tests)
    assert "def test_at_counts_a_view_in_view_count" in text
    assert "def test_update_writes_a_bbs_article_snapshots_row" in text
