"""Counts of long lists that cost the same at a thousand rows and at a million (the staff order
list, the orders API): `SELECT COUNT(*)` reads every matching row, so a list counts exactly only
up to COUNT_EXACTLY_UP_TO. Beyond it an unfiltered list on PostgreSQL reports the planner's
estimate of the table's rows (pg_class.reltuples, kept by autovacuum and ANALYZE: within a few per
cent), and a filtered one COUNT_EXACTLY_UP_TO + 1, read "more than 10,000"
(docs/checkout-notifications.md)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_EXACTLY_UP_TO = 10_000


def bounded_count(queryset: QuerySet) -> int:
    # Unordered: how many rows there are does not depend on which come first, and without the
    # list's ordering the database may stop after the first COUNT_EXACTLY_UP_TO + 1 rows of any
    # index that answers the filter (an index-only scan of the status index for the order list)
    # instead of walking the list's order.
    counted = queryset.order_by()[: COUNT_EXACTLY_UP_TO + 1].count()
    if counted <= COUNT_EXACTLY_UP_TO or queryset.query.where:
        return counted
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return counted
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return max(counted, row[0] if row else 0)


class BoundedCountPaginator(Paginator):
    """Django's paginator with `bounded_count` (the admin's `paginator`, DRF's
    `django_paginator_class`)."""

    @cached_property
    def count(self) -> int:
        return bounded_count(self.object_list)
