"""The stock behaviour's row lock on PostgreSQL (issue 13, item 4; docs/generated-backend.md,
"Domain behaviour"): in the kitchen sink's generated backend, four creates of an order line
race for one unit of a product's stock through the real app and its pooled sessions (each
request its own connection, no test harness): exactly one is created, three are refused
with 409, and the stock ends at zero. Without ``SELECT ... FOR UPDATE`` the same race
oversells (two or more 201s, lost updates), which is why the generated suite, whose tests run
in one connection, cannot show it.
"""

from __future__ import annotations

import json
from pathlib import Path

from autobe_core.service import ProjectService
from tests.databases import postgres_schema
from tests.e2e.backends import run_in_workspace

ROOT = Path(__file__).resolve().parents[2]
KITCHEN = ROOT / "tests" / "data" / "specs" / "kitchen_sink.yaml"

RACE = """
import json
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from fastapi.testclient import TestClient

import app.models  # noqa: F401
from app.db import SessionLocal, create_schema, engine
from app.main import create_app
from app.models.kit_products import KitProduct
from tests.factories.kit_customers import make_kit_customers
from tests.factories.kit_products import make_kit_products
from tests.helpers import bearer

create_schema(engine)
with SessionLocal() as session:
    product = make_kit_products(session, stock=1)
    headers = bearer("shopper", make_kit_customers(session))
    session.commit()
    key = product.id
client = TestClient(create_app())  # no lifespan: the schema was made above
url = f"/kitchen/shopper/products/{key}/order-lines"
with ThreadPoolExecutor(max_workers=4) as workers:
    codes = sorted(workers.map(
        lambda _: client.post(url, json={"quantity": 1}, headers=headers).status_code,
        range(4)))
with SessionLocal() as session:
    stock = session.scalar(sa.select(KitProduct.stock).where(KitProduct.id == key))
print(json.dumps({"codes": codes, "stock": stock, "dialect": engine.dialect.name}))
"""


def test_racing_creates_take_the_last_unit_once(tmp_path: Path) -> None:
    with postgres_schema("autobe_stock") as url:
        project = tmp_path / "kitchen"
        ProjectService.init(project, KITCHEN, author="test")
        found = json.loads(run_in_workspace(project, RACE, url).strip().splitlines()[-1])
    assert found == {"codes": [201, 409, 409, 409], "stock": 0, "dialect": "postgresql"}
