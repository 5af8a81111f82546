"""On the production database: the batched counter update and the schema's guarantees."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from ads import counters
from ads.models import Ad
from ads.services import ad_counters_flush

from .factories import AdFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_counts_of_many_ads_land_in_one_update(django_assert_num_queries):
    ads = [AdFactory() for _ in range(3)]
    store = counters.LocalCounters()
    store.add({(counters.IMPRESSIONS, ad.pk): 10 + i for i, ad in enumerate(ads)})
    store.add({(counters.CLICKS, ads[0].pk): 2})
    with django_assert_num_queries(1 + 2):  # the UPDATE inside a savepoint/transaction pair
        assert ad_counters_flush(store=store) == 35
    rows = dict(Ad.objects.values_list("pk", "impressions"))
    assert [rows[ad.pk] for ad in ads] == [10, 11, 12]
    assert Ad.objects.get(pk=ads[0].pk).clicks == 2


def test_the_database_refuses_a_zero_weight_or_a_window_that_ends_before_it_starts():
    ad = AdFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ad.objects.filter(pk=ad.pk).update(weight=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ad.objects.filter(pk=ad.pk).update(active_until=ad.active_from - timedelta(seconds=1))
