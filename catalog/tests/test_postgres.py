"""On PostgreSQL: the trigram indexes exist and can serve the case-insensitive search."""

import pytest
from django.db import connection

from catalog.selectors import matching_products
from catalog.services import catalog_seed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_search_can_use_the_trigram_indexes():
    catalog_seed(count=3000, seed=5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product")
        # At a few thousand rows a sequential scan may still be the cheaper plan; forbidding it
        # shows whether the indexes can serve the exact SQL Django writes for icontains.
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Unordered, like the page's COUNT: ordered by name, the planner may rightly prefer walking
    # the name index when many rows match.
    plan = matching_products(query="Walnut").order_by().explain()
    assert "product_name_trgm" in plan, plan
    assert "product_description_trgm" in plan, plan
    assert "Seq Scan on catalog_product" not in plan, plan
    assert matching_products(query="wALNUT").count() == matching_products(query="walnut").count()
