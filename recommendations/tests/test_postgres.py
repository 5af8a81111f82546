"""On the production database: the table swap and the one-query lookup."""

import pytest
from django.db import connection

from recommendations.selectors import recommendations_list
from recommendations.services import purchase_record, recommendations_rebuild

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_rebuild_and_serve_on_postgresql(django_assert_num_queries):
    from catalog.services import demo_catalog_load

    assert connection.vendor == "postgresql"
    demo_catalog_load()
    purchase_record(order_id="o1", product_ids=("6E92ZMYYFZ", "1YMWWN1N4O"))
    assert recommendations_rebuild() == 9
    assert recommendations_rebuild() == 9  # the swap replaces, never duplicates
    with django_assert_num_queries(1):
        result = recommendations_list(product_ids=["6E92ZMYYFZ"])
    assert result[0] == "1YMWWN1N4O" and len(result) == 5


def test_a_repeated_purchase_inside_a_transaction_leaves_it_usable():
    # The unique key refuses the repeat; its savepoint keeps the caller's transaction going.
    from django.db import transaction

    from recommendations.models import Basket

    with transaction.atomic():
        assert purchase_record(order_id="o1", product_ids=("6E92ZMYYFZ",)) is True
        assert purchase_record(order_id="o1", product_ids=("1YMWWN1N4O",)) is False
        assert list(Basket.objects.values_list("product_ids", flat=True)) == [["6E92ZMYYFZ"]]
