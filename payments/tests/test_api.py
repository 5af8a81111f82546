import re
from datetime import date

import pytest
from rest_framework.test import APIClient

from payments.models import Charge
from payments.tests.conftest import CVV, VISA
from testing.api import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments/charges/"


@pytest.fixture
def api():
    return token_client(is_staff=True)


def body(number=VISA, *, amount="19.99", currency="USD", cvv=CVV, year=None):
    return {
        "amount": {"currency": currency, "amount": amount},
        "credit_card": {
            "number": number,
            "cvv": cvv,
            "expiration_month": 12,
            "expiration_year": year or date.today().year + 1,
        },
    }


def post(api, data, key="key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(URL, data, format="json", **headers)


def test_charges_need_a_token():
    response = APIClient().get(URL)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert APIClient().post(URL, body(), format="json").status_code == 401


def test_any_token_charges_but_reading_and_refunding_need_staff():
    integrator = token_client(is_staff=False)
    charge = post(integrator, body())
    assert charge.status_code == 201
    assert integrator.get(URL).status_code == 403
    assert integrator.get(f"{URL}{charge.json()['id']}/").status_code == 403
    refund = integrator.post(f"{URL}{charge.json()['id']}/refund/")
    assert refund.status_code == 403 and refund["Content-Type"] == "application/problem+json"
    assert Charge.objects.get().status == "captured"


def test_a_charge_is_created_once_and_replayed_as_first_answered(api):
    first = post(api, body())
    assert first.status_code == 201, first.json()
    charge = first.json()
    assert set(charge) == {"id", "status", "brand", "last4", "amount", "created"}
    assert charge["status"] == "captured" and charge["last4"] == "1111"
    assert charge["amount"] == {"currency": "USD", "amount": "19.99"}
    replay = post(api, body())
    assert replay.status_code == 201 and replay.json() == charge
    assert Charge.objects.count() == 1


def test_the_key_is_required(api):
    response = post(api, body(), key=None)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"


def test_reusing_a_key_for_another_amount_is_409(api):
    post(api, body())
    response = post(api, body(amount="25.00"))
    assert response.status_code == 409 and "different payment" in response.json()["detail"]


def test_refusals_are_problems_with_the_customer_message(api):
    amex = post(api, body("378282246310005"), key="amex")
    assert amex.status_code == 402
    assert amex["Content-Type"] == "application/problem+json"
    assert amex.json()["detail"] == (
        "Sorry, we cannot process American Express credit cards. "
        "Only VISA or MasterCard is accepted."
    )
    bad = post(api, body("4111111111111112"), key="luhn")
    assert bad.status_code == 400 and "credit_card_number" in bad.json()["errors"]
    expired = post(api, body(year=2020), key="old")
    assert expired.status_code == 402
    assert expired.json()["detail"] == "Your credit card (ending 1111) expired on 12/2020"
    declined = post(api, body("4000000000000002"), key="bank")
    assert declined.status_code == 402 and declined.json()["code"] == "card_declined"


@pytest.mark.parametrize(
    "amount,message",
    [(19.99, "decimal string"), ("abc", "decimal string such as"), ("-1", "greater than zero")],
)
def test_a_bad_amount_is_400_with_a_reason(api, amount, message):
    response = post(api, body(amount=amount))
    assert response.status_code == 400
    assert message in str(response.json())


def test_list_detail_and_refund(api):
    charge_id = post(api, body()).json()["id"]
    listed = api.get(URL).json()
    assert [item["id"] for item in listed["results"]] == [charge_id]
    assert api.get(f"{URL}{charge_id}/").json()["status"] == "captured"
    refunded = api.post(f"{URL}{charge_id}/refund/")
    assert refunded.status_code == 200 and refunded.json()["status"] == "refunded"
    again = api.post(f"{URL}{charge_id}/refund/")
    assert again.status_code == 422 and "already refunded" in again.json()["detail"]
    assert api.get(f"{URL}not-a-uuid/").status_code == 404


def test_the_full_number_and_cvv_never_come_back(api):
    post(api, body())
    text = api.get(URL).content.decode()
    assert VISA not in text and not re.search(rf"\b{CVV}\b", text)


@pytest.mark.parametrize("currency", ["XYZ", "ABC", "XXX"])
def test_a_charge_in_a_made_up_currency_is_refused_before_any_money_moves(api, currency):
    response = post(api, body(currency=currency))
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "charge_currency_unknown"
    assert "amount" in response.json()["errors"]
    assert not Charge.objects.exists()


@pytest.mark.parametrize("field,value", [("number", "٤١١١١١١١١١١١١١١١"), ("cvv", "١٢٣")])
def test_non_ascii_digits_are_not_a_card(api, field, value):
    data = body()
    data["credit_card"][field] = value
    response = post(api, data)
    assert response.status_code == 400, response.json()
    assert not Charge.objects.exists()


@pytest.mark.parametrize("amount", ["٤١١١١١١١١١١١١١١١", "1000000000000000"])
def test_an_amount_in_other_digits_or_past_what_a_charge_holds_is_a_400(api, amount):
    response = post(api, body(amount=amount))
    assert response.status_code == 400, response.json()
    assert "amount" in response.json()["errors"]
    assert not Charge.objects.exists()
