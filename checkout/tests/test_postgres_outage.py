"""PostgreSQL going away in the middle of a checkout, after the card was charged: the customer is
told the truth (any charge will be cancelled automatically), and the order's own recovery keeps
that promise once the database is back."""

from __future__ import annotations

import pytest
from django.db import close_old_connections

from checkout import tasks
from checkout.errors import CheckoutInterrupted
from checkout.models import Order
from checkout.services import order_place
from shop import registry
from testing.fakes import FakeShipping
from testing.servers import PostgresServer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.stops_postgres,
    pytest.mark.django_db(transaction=True),
]


class DatabaseDiesAfterShipping(FakeShipping):
    """Ships, then stops PostgreSQL: the checkout's next write (the paid mark) fails."""

    def __init__(self, postgres: PostgresServer):
        super().__init__()
        self.postgres = postgres

    def ship_order(self, *args, **kwargs):
        tracking_id = super().ship_order(*args, **kwargs)
        self.postgres.halt()
        return tracking_id


def test_a_charged_checkout_that_loses_the_database_is_told_the_truth_and_recovered(
    postgres, fakes, address, card
):
    fakes.cart.add_item("visitor", "66VCHSJNUP", 1)
    shipping = DatabaseDiesAfterShipping(postgres)
    with registry.override("shipping", shipping):
        with pytest.raises(CheckoutInterrupted) as excinfo:
            order_place(user_id="visitor", user_currency="EUR", address=address,
                        email="ada@example.com", credit_card=card)  # fmt: skip
        assert "cancelled automatically" in excinfo.value.message
        (charge,) = fakes.payment.charges
        assert not charge.voided  # nothing could be undone while the database was away

        postgres.start()
        close_old_connections()
        order = Order.objects.get()
        assert order.status == "pending"
        tasks.order_recover(str(order.pk))  # what the worker runs a minute after the charge

    order.refresh_from_db()
    assert order.status == "failed" and charge.voided
    assert shipping.cancelled == set(shipping.shipments)
    assert not order.needs_attention
