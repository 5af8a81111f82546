"""An edit of the shipping rate shows in the next quote at once, though the rate is held in
memory."""

from decimal import Decimal

import pytest

from shipping.models import ShippingRate
from shipping.services import shipping_rate_current

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_edited_rate_quotes_at_once():
    ShippingRate.objects.update_or_create(pk=1, defaults={"flat_rate": Decimal("8.99")})
    assert shipping_rate_current().flat_rate == Decimal("8.99")
    ShippingRate.objects.filter(pk=1).update(flat_rate=Decimal("1"))  # behind its back
    assert shipping_rate_current().flat_rate == Decimal("8.99")  # remembered
    rate = ShippingRate.objects.get(pk=1)
    rate.flat_rate = Decimal("4.50")
    rate.save()
    assert shipping_rate_current().flat_rate == Decimal("4.50")
