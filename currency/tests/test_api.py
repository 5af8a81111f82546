import pytest

from currency.services import INITIAL_RATES_PER_EUR, rates_load_initial

pytestmark = pytest.mark.django_db

CONVERT = "/api/v1/currencies/convert/"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def rates():
    rates_load_initial()


def convert(client, body):
    return client.post(CONVERT, body, content_type="application/json")


def test_supported_codes(client):
    assert client.get("/api/v1/currencies/").json() == {
        "currency_codes": sorted(INITIAL_RATES_PER_EUR)
    }


def test_convert_keeps_full_precision(client):
    response = convert(client, {"from": {"currency": "USD", "amount": "100.50"}, "to": "EUR"})
    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "EUR"
    # 100.50 / 1.1305, unrounded, written out without an exponent.
    assert body["amount"].startswith("88.8987173816895179")
    assert len(body["amount"]) > 25 and "E" not in body["amount"]


def test_convert_accepts_an_integer_amount_and_the_same_currency(client):
    body = convert(client, {"from": {"currency": "JPY", "amount": 1000}, "to": "JPY"}).json()
    assert body == {"currency": "JPY", "amount": "1000"}


def test_unknown_codes_are_400_with_field_errors(client):
    response = convert(client, {"from": {"currency": "XXX", "amount": "1"}, "to": "ABC"})
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    errors = response.json()["errors"]
    # A nested object's errors stay an object, shaped like the body: {"from": {"currency": [...]}}.
    assert "'XXX' is not a supported currency" in errors["from"]["currency"][0]
    assert "'ABC' is not a supported currency" in errors["to"][0]


@pytest.mark.parametrize(
    "money,field,message",
    [
        ({"currency": "USD", "amount": 19.99}, "amount", "not as a JSON number"),
        ({"currency": "USD", "amount": "1e5"}, "amount", "decimal string"),
        ({"currency": "USD", "amount": "12345678901234567890"}, "amount", "at most 18 digits"),
        ({"currency": "usd", "amount": "1"}, "currency", "three-letter ISO 4217"),
        ({"amount": "1"}, "currency", "three-letter ISO 4217"),
    ],
)
def test_malformed_money_is_400(client, money, field, message):
    response = convert(client, {"from": money, "to": "EUR"})
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert message in response.json()["errors"]["from"][field][0]


@pytest.mark.parametrize("body", [{"from": "19.99 USD", "to": "EUR"}, {"to": "EUR"}, []])
def test_a_body_of_the_wrong_shape_is_400(client, body):
    response = convert(client, body)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
