"""The backends under attack: each built, migrated and served once per worker (package
scope; its tests share an xdist group), and the rows its accounts made.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from autobe_core.service import ProjectService
from tests.e2e.attacks.target import BACKENDS, Target
from tests.e2e.backends import build, live_url, openapi_document, served
from tests.e2e.world import World, populate


@pytest.fixture(scope="package", params=BACKENDS)
def target(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    source = str(request.param)
    directory = tmp_path_factory.mktemp("attacks")
    project = build(source, directory / source.replace(":", "/").rpartition("/")[2])
    document = openapi_document(project)
    spec = ProjectService.open(project).spec()
    with served(project, directory) as base, httpx.Client(base_url=base, timeout=60) as http:
        yield Target(name=project.name, spec=spec, document=document, http=http,
                     project=project, url=live_url(project, directory))


@pytest.fixture(scope="package")
def world(target: Target) -> World:
    """Rows every actor's first account made (:func:`tests.e2e.world.populate`)."""
    return populate(World(target.spec, target.document, target.http), target.project,
                    target.url)
