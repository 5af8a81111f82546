"""A short run of `make load`'s traffic mix (the original's load generator) against the same real
shop: every request must succeed."""

import pytest

from loadgen.run import report, run_locust

pytestmark = pytest.mark.slow


def test_the_original_traffic_mix_has_no_failures(shop):
    result = run_locust(shop.url, users=10, spawn_rate=5, seconds=15)

    assert result.failures == 0, report(result)
    # 10 users pausing 0.2-1 s between tasks for 15 s make well over a hundred requests.
    assert result.requests >= 100, report(result)
    routes = {row["Name"] for row in result.routes}
    assert {"/", "/setCurrency", "/product/[id]", "/cart", "/cart/checkout"} <= routes
