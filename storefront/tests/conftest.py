import pytest
from django.core.cache import cache

from catalog.services import demo_catalog_load
from currency.services import rates_load_initial
from shop import registry, resilience
from storefront import pagecache
from storefront.tests.support import FakeCart


@pytest.fixture(autouse=True)
def fresh_state():
    """Cached pages and fragments and the widgets' breakers outlive a test's database."""
    cache.clear()
    pagecache.forget_memory()  # as every process's memory after a second
    resilience.reset_breakers()
    yield
    cache.clear()
    pagecache.forget_memory()
    resilience.reset_breakers()


@pytest.fixture
def shop_data(db):
    demo_catalog_load()
    rates_load_initial()


@pytest.fixture
def cart():
    fake = FakeCart()
    with registry.override("cart", fake):
        yield fake
