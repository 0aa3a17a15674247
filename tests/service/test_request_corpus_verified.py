"""Everyday-phrasing requests of the corpus (tests/data/requests), applied in sequence on
one project through ``ProjectService.change`` with verification: each is planned by the
rule planner at the head, applied, regenerated and verified (mypy --strict with the warm
cache, the migrate rung, the generated tests the change reaches), and recorded as the
planner's revision. Slow: a verified build per request.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autobe_core.service import ProjectService
from tests.request_corpus import FIXTURES, load_corpus
from tests.service.test_planner_requests import request

pytestmark = pytest.mark.slow

GROUPS: dict[str, list[str]] = {
    "todo": [
        "let users vote on their items",
        "add a deadline to lists",
        "items need a completion timestamp",
        "users should be able to edit labels",
        "get rid of the color of labels",
        "the title of an item should be called name",
        "label names must be unique",
        "users should no longer be able to delete items",
        "add an admin role that can delete any list",
    ],
    "bbs": [
        "let members like articles",
        "admins should be able to delete any comment",
        "add a status to articles with values draft, published and archived",
        "comments need an edited timestamp",
        "moderators can no longer delete comments",
        "get rid of view counts on articles",
        "category names must be unique",
        "members should be able to bookmark articles",
        "add an editor role that can update any article",
    ],
}


def test_the_groups_come_from_the_corpus() -> None:
    texts = {(e.project, e.text) for e in load_corpus() if not e.beyond_rules}
    for project, group in GROUPS.items():
        assert not [t for t in group if (project, t) not in texts], project


@pytest.mark.parametrize(
    "fixture",
    [pytest.param(f, marks=pytest.mark.xdist_group(f"corpus_verified_{f}")) for f in GROUPS],
)
def test_corpus_requests_in_sequence_verify(fixture: str, tmp_path: Path) -> None:
    created = ProjectService.init(tmp_path / "project", FIXTURES[fixture], author="test")
    service = ProjectService(created.layout)
    for text in GROUPS[fixture]:
        request(service, text)
