"""A short run of `make load`'s traffic mix (the original's load generator) against a real,
production-shaped shop (gunicorn, PostgreSQL, Redis): every request must succeed. The mix itself
is pinned to the original's published load generator."""

import json
import subprocess

import pytest

from loadgen.run import report, run_locust
from loadgen.stack import PYTHON, ROOT

# What the original's load generator sends (src/loadgenerator/locustfile.py).
ORIGINAL_WEIGHTS = {"index": 1, "set_currency": 2, "browse_product": 10, "add_to_cart": 2,
                    "view_cart": 3, "checkout": 1}  # fmt: skip
ORIGINAL_CHECKOUT_FIELDS = {
    "email", "street_address", "zip_code", "city", "state", "country", "credit_card_number",
    "credit_card_expiration_month", "credit_card_expiration_year", "credit_card_cvv",
}  # fmt: skip
ORIGINAL_CURRENCIES = ["EUR", "USD", "JPY", "CAD", "GBP", "TRY"]

# Locust patches the standard library (gevent) when imported: read the mix in its own process.
READ_MIX = """
import collections
import json
import loadgen.locustfile as mix

class Recorder:
    def __init__(self):
        self.client, self.calls = self, []
    def get(self, path, **_):
        self.calls.append(["GET", path, None])
    def post(self, path, data, **_):
        self.calls.append(["POST", path, data])

visit = Recorder()
mix.checkout(visit)
print(json.dumps({
    # Locust turns the weights into a list holding each task `weight` times.
    "weights": collections.Counter(task.__name__ for task in mix.ShopperBehaviour.tasks),
    "currencies": mix.CURRENCIES,
    "checkout": visit.calls,
    "wait": [mix.ShopVisitor.wait_time(None) for _ in range(200)],
}))
"""


def test_the_mix_is_the_original_load_generators():
    found = json.loads(
        subprocess.run(  # noqa: S603 - our own interpreter and script
            [PYTHON, "-c", READ_MIX],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout  # fmt: skip
    )
    assert found["weights"] == ORIGINAL_WEIGHTS
    assert found["currencies"] == ORIGINAL_CURRENCIES
    (_, product, _), (_, cart, added), (_, checkout, form) = found["checkout"]
    assert product.startswith("/product/") and cart == "/cart" and checkout == "/cart/checkout"
    assert set(added) == {"product_id", "quantity"} and 1 <= added["quantity"] <= 10
    assert set(form) == ORIGINAL_CHECKOUT_FIELDS
    assert form["credit_card_number"].startswith("4") and len(form["credit_card_number"]) == 16
    # Shortened from the original's 1-10 s, so a short run makes enough requests.
    assert all(0.2 <= wait <= 1.0 for wait in found["wait"])


@pytest.mark.slow
def test_the_original_traffic_mix_has_no_failures(shop):
    result = run_locust(shop.url, users=10, spawn_rate=5, seconds=15)

    assert result.failures == 0, report(result)
    # 10 users pausing 0.2-1 s between tasks for 15 s make well over a hundred requests.
    assert result.requests >= 100, report(result)
    routes = {row["Name"] for row in result.routes}
    assert {"/", "/setCurrency", "/product/[id]", "/cart", "/cart/checkout"} <= routes
