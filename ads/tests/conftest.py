import pytest
from django.core.cache import cache

from ads import counters
from shop import resilience


@pytest.fixture(autouse=True)
def fresh_state():
    """The live-ads cache, in-process counters and breakers outlive a test's database."""
    cache.clear()
    counters._local.drain()
    resilience.reset_breakers()
    yield
    cache.clear()
    counters._local.drain()
    resilience.reset_breakers()


@pytest.fixture
def demo_catalog(db):
    from catalog.services import demo_catalog_load

    demo_catalog_load()
