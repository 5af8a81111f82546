import pytest
from django.core.cache import cache

from shop import resilience


@pytest.fixture(autouse=True)
def fresh_state():
    """Cached pages and fragments and the widgets' breakers outlive a test's database."""
    cache.clear()
    resilience.reset_breakers()
    yield
    cache.clear()
    resilience.reset_breakers()
