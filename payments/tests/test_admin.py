from decimal import Decimal

import pytest

from payments.models import Charge
from payments.services import charge_create
from payments.tests.conftest import card
from shop.money import Money

pytestmark = pytest.mark.django_db

URL = "/admin/payments/charge/"


@pytest.fixture
def charges():
    visa = charge_create(amount=Money(Decimal("10"), "USD"), card=card()).charge
    master = charge_create(amount=Money(Decimal("5"), "EUR"), card=card("5555555555554444")).charge
    return visa, master


def test_charges_are_read_only_and_filterable(admin_client, charges):
    visa, master = charges
    page = admin_client.get(URL, {"brand": "mastercard"}).content.decode()
    assert str(master.id) in page and str(visa.id) not in page
    assert str(visa.id) in admin_client.get(URL, {"q": "1111"}).content.decode()
    assert str(master.id) in admin_client.get(URL, {"q": str(master.id)}).content.decode()
    assert admin_client.get(URL, {"status": "captured"}).status_code == 200
    assert admin_client.get(f"{URL}add/").status_code == 403
    detail = admin_client.get(f"{URL}{visa.id}/change/")
    assert detail.status_code == 200 and b"4111111111111111" not in detail.content
    before = Charge.objects.get(pk=visa.id).status
    admin_client.post(f"{URL}{visa.id}/change/", {"status": "refunded"})
    assert Charge.objects.get(pk=visa.id).status == before


def test_the_refund_action(admin_client, charges):
    visa, master = charges
    admin_client.post(URL, {"action": "refund", "_selected_action": [str(visa.id)]})
    assert Charge.objects.get(pk=visa.id).status == "refunded"
    response = admin_client.post(
        URL, {"action": "refund", "_selected_action": [str(visa.id)]}, follow=True
    )
    assert b"already refunded" in response.content
    assert Charge.objects.get(pk=master.id).status == "captured"
