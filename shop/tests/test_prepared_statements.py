"""On PostgreSQL a statement the shop runs again is parsed and planned once per connection
(shop/settings.py: server-side binding, prepared from the second run)."""

import pytest
from django.db import connection

from checkout.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_query_run_twice_on_a_connection_is_prepared_once():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    Order.objects.filter(email="once@example.com").exists()
    assert not [s for s in prepared_statements() if '"checkout_order"' in s]
    for email in ("twice@example.com", "thrice@example.com"):
        assert not Order.objects.filter(email=email).exists()
    (statement,) = [s for s in prepared_statements() if '"checkout_order"' in s]
    # The values travel beside the statement, so one prepared statement serves every e-mail.
    assert "$1" in statement and "example.com" not in statement
