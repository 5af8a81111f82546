"""The admin's pages ask the currency service, which caches its rates table for minutes: a table
cached from one test's database (say, without rates) must not answer in the next test."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()
