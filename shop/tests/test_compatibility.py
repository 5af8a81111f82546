"""The rows of docs/compatibility.md that we keep identical to the original's services, each
asked over a real gRPC channel with the original's own protocol (hipstershop), as an original
frontend or service would. A test's name starts with its row."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

import grpc
import pytest

from recommendations.services import recommendations_rebuild
from shop.money import Money
from shop.rpc.convert import money_from_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from testing.fixtures import VISA

pytestmark = pytest.mark.django_db(transaction=True)

# The original's products.json: id -> (name, USD price, categories, picture).
ORIGINAL_PRODUCTS = {
    "OLJCESPC7Z": ("Sunglasses", "19.99", ["accessories"], "sunglasses"),
    "66VCHSJNUP": ("Tank Top", "18.99", ["clothing", "tops"], "tank-top"),
    "1YMWWN1N4O": ("Watch", "109.99", ["accessories"], "watch"),
    "L9ECAV7KIM": ("Loafers", "89.99", ["footwear"], "loafers"),
    "2ZYFJ3GM2N": ("Hairdryer", "24.99", ["hair", "beauty"], "hairdryer"),
    "0PUK6V6EV0": ("Candle Holder", "18.99", ["decor", "home"], "candle-holder"),
    "LS4PSXUNUM": ("Salt & Pepper Shakers", "18.49", ["kitchen"], "salt-and-pepper-shakers"),
    "9SIQT8TOJO": ("Bamboo Glass Jar", "5.49", ["kitchen"], "bamboo-glass-jar"),
    "6E92ZMYYFZ": ("Mug", "8.99", ["kitchen"], "mug"),
}
# The original currency service's currency_conversion.json.
ORIGINAL_CURRENCIES = {
    "EUR", "USD", "JPY", "BGN", "CZK", "DKK", "GBP", "HUF", "PLN", "RON", "SEK", "CHF", "ISK",
    "NOK", "HRK", "RUB", "TRY", "AUD", "BRL", "CAD", "CNY", "HKD", "IDR", "ILS", "INR", "KRW",
    "MXN", "MYR", "NZD", "PHP", "SGD", "THB", "ZAR",
}  # fmt: skip
ADDRESS = pb.Address(street_address="1600 Amphitheatre Parkway", city="Mountain View",
                     state="CA", country="United States", zip_code=94043)  # fmt: skip


def card(year: int = 2039, month: int = 1) -> pb.CreditCardInfo:
    return pb.CreditCardInfo(credit_card_number=VISA, credit_card_cvv=672,
                             credit_card_expiration_year=year,
                             credit_card_expiration_month=month)  # fmt: skip


def usd(amount: str) -> pb.Money:
    units, _, cents = amount.partition(".")
    return pb.Money(currency_code="USD", units=int(units), nanos=int(cents.ljust(9, "0")))


@pytest.fixture
def channel(grpc_server, catalog):
    address = grpc_server("catalog", "cart", "currency", "payments", "shipping", "notifications",
                          "checkout", "recommendations", "ads")  # fmt: skip
    with grpc.insecure_channel(address) as channel:
        yield channel


def test_C1_add_item_adds_to_the_existing_line(channel):
    carts = pb_grpc.CartServiceStub(channel)
    for quantity in (2, 3):
        item = pb.CartItem(product_id="OLJCESPC7Z", quantity=quantity)
        carts.AddItem(pb.AddItemRequest(user_id="ada", item=item), timeout=10)
    cart = carts.GetCart(pb.GetCartRequest(user_id="ada"), timeout=10)
    assert [(i.product_id, i.quantity) for i in cart.items] == [("OLJCESPC7Z", 5)]


def test_C2_the_cart_of_an_unknown_user_is_empty(channel):
    cart = pb_grpc.CartServiceStub(channel).GetCart(pb.GetCartRequest(user_id="nobody"), timeout=10)
    assert list(cart.items) == []


def test_C3_empty_cart_removes_every_line(channel):
    carts = pb_grpc.CartServiceStub(channel)
    for product_id in ("OLJCESPC7Z", "6E92ZMYYFZ"):
        item = pb.CartItem(product_id=product_id, quantity=1)
        carts.AddItem(pb.AddItemRequest(user_id="ada", item=item), timeout=10)
    assert carts.EmptyCart(pb.EmptyCartRequest(user_id="ada"), timeout=10) == pb.Empty()
    assert list(carts.GetCart(pb.GetCartRequest(user_id="ada"), timeout=10).items) == []


def test_K1_the_demo_catalog_is_the_originals_products(channel):
    products = pb_grpc.ProductCatalogServiceStub(channel).ListProducts(pb.Empty(), timeout=10)
    found = {
        p.id: (p.name, p.price_usd, sorted(p.categories), p.picture) for p in products.products
    }
    assert found == {
        product_id: (name, usd(price), sorted(categories), f"/static/img/products/{picture}.jpg")
        for product_id, (name, price, categories, picture) in ORIGINAL_PRODUCTS.items()
    }


def test_K2_an_unknown_product_is_not_found(channel):
    with pytest.raises(grpc.RpcError) as error:
        pb_grpc.ProductCatalogServiceStub(channel).GetProduct(
            pb.GetProductRequest(id="NOSUCHPROD"), timeout=10
        )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def test_K3_search_is_a_case_insensitive_substring_of_name_or_description(channel):
    catalog = pb_grpc.ProductCatalogServiceStub(channel)

    def ids(query: str) -> set[str]:
        answer = catalog.SearchProducts(pb.SearchProductsRequest(query=query), timeout=10)
        return {p.id for p in answer.results}

    assert ids("sUnGlAsS") == {"OLJCESPC7Z"}
    # In the description only ("...hand-thrown stoneware holder..."), in part of a word.
    assert "0PUK6V6EV0" in ids("HAND-THROWN")


@pytest.mark.parametrize("address", [ADDRESS, pb.Address()], ids=["S1", "S3-empty-address"])
def test_S1_S3_a_quote_for_items_is_8_99_usd(channel, address):
    items = [pb.CartItem(product_id="OLJCESPC7Z", quantity=3)]
    answer = pb_grpc.ShippingServiceStub(channel).GetQuote(
        pb.GetQuoteRequest(address=address, items=items), timeout=10
    )
    assert answer.cost_usd == usd("8.99")


def test_M1_the_supported_currencies_are_the_originals(channel):
    answer = pb_grpc.CurrencyServiceStub(channel).GetSupportedCurrencies(pb.Empty(), timeout=10)
    assert set(answer.currency_codes) == ORIGINAL_CURRENCIES


def test_M2_M3_convert_uses_the_originals_rates_exactly(channel):
    currencies = pb_grpc.CurrencyServiceStub(channel)

    def convert(amount: str, source: str, to: str) -> Money:
        units, _, nanos = amount.partition(".")
        money = pb.Money(currency_code=source, units=int(units), nanos=int(nanos.ljust(9, "0")))
        request = pb.CurrencyConversionRequest(to_code=to, **{"from": money})
        return money_from_pb(currencies.Convert(request, timeout=10))

    assert convert("100", "EUR", "USD") == Money(Decimal("113.05"), "USD")
    # M3 differs on purpose: the exact value, where the original's floats give 60,592,707 nanos.
    assert convert("19.99", "USD", "JPY") == Money(Decimal("2235.060592658"), "JPY")


def test_P1_a_valid_visa_is_charged_with_a_uuid_transaction_id(channel):
    answer = pb_grpc.PaymentServiceStub(channel).Charge(
        pb.ChargeRequest(amount=usd("19.99"), credit_card=card()), timeout=10
    )
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        answer.transaction_id)  # fmt: skip


def test_P2_an_expired_card_is_refused_in_the_originals_words(channel):
    with pytest.raises(grpc.RpcError) as error:
        pb_grpc.PaymentServiceStub(channel).Charge(
            pb.ChargeRequest(amount=usd("19.99"), credit_card=card(2024, 1)), timeout=10
        )
    assert error.value.details() == f"Your credit card (ending {VISA[-4:]}) expired on 1/2024"


def test_P7_a_repeated_charge_without_a_key_charges_again(channel):
    payments = pb_grpc.PaymentServiceStub(channel)
    request = pb.ChargeRequest(amount=usd("19.99"), credit_card=card())
    first, second = (payments.Charge(request, timeout=10) for _ in range(2))
    assert first.transaction_id != second.transaction_id


def test_E1_an_order_confirmation_is_answered_with_empty(channel):
    order = pb.OrderResult(order_id="6a1b4f0e-0000-4000-8000-000000000001",
                           shipping_tracking_id="AB-1234567-1234567",
                           shipping_cost=usd("8.99"), shipping_address=ADDRESS,
                           items=[pb.OrderItem(item=pb.CartItem(product_id="OLJCESPC7Z",
                                                                quantity=1),
                                               cost=usd("19.99"))])  # fmt: skip
    answer = pb_grpc.EmailServiceStub(channel).SendOrderConfirmation(
        pb.SendOrderConfirmationRequest(email="ada@example.com", order=order), timeout=10
    )
    assert answer == pb.Empty()


def test_O1_place_order_answers_the_order_result_and_empties_the_cart(channel):
    carts = pb_grpc.CartServiceStub(channel)
    item = pb.CartItem(product_id="OLJCESPC7Z", quantity=2)
    carts.AddItem(pb.AddItemRequest(user_id="ada", item=item), timeout=10)
    request = pb.PlaceOrderRequest(user_id="ada", user_currency="EUR", address=ADDRESS,
                                   email="ada@example.com", credit_card=card())  # fmt: skip
    order = pb_grpc.CheckoutServiceStub(channel).PlaceOrder(request, timeout=30).order

    assert order.order_id and re.fullmatch(r"[A-Z]{2}-\d+-\d+", order.shipping_tracking_id)
    assert order.shipping_cost.currency_code == "EUR"
    assert order.shipping_address == ADDRESS
    assert [(i.item.product_id, i.item.quantity, i.cost.currency_code) for i in order.items] == [
        ("OLJCESPC7Z", 2, "EUR")
    ]
    assert list(carts.GetCart(pb.GetCartRequest(user_id="ada"), timeout=10).items) == []


def test_R1_up_to_five_recommendations_never_the_asked_products(channel):
    recommendations_rebuild()
    asked = ["OLJCESPC7Z", "6E92ZMYYFZ"]
    answer = pb_grpc.RecommendationServiceStub(channel).ListRecommendations(
        pb.ListRecommendationsRequest(user_id="ada", product_ids=asked), timeout=10
    )
    assert 0 < len(answer.product_ids) <= 5
    assert not set(answer.product_ids) & set(asked)
    assert set(answer.product_ids) <= set(ORIGINAL_PRODUCTS)


def test_A1_A3_ads_of_the_asked_category_lead_to_the_product_page(channel, demo_ads):
    answer = pb_grpc.AdServiceStub(channel).GetAds(
        pb.AdRequest(context_keys=["footwear"]), timeout=10
    )
    assert len(answer.ads) == 1 and answer.ads[0].text
    # The original's path; our click parameter rides along (docs/compatibility.md, A3).
    assert urlsplit(answer.ads[0].redirect_url).path == "/product/L9ECAV7KIM"


def test_A2_two_distinct_ads_when_no_category_matches(channel, demo_ads):
    answer = pb_grpc.AdServiceStub(channel).GetAds(
        pb.AdRequest(context_keys=["garden"]), timeout=10
    )
    assert len({ad.redirect_url for ad in answer.ads}) == 2
