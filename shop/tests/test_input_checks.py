"""Control characters, deep and oversized JSON: a clear 4xx, never a 500 (issue 13.6).

The corpus run over every form and API operation on PostgreSQL is test_hostile_corpus.py."""

import json

import pytest
from django.test import Client

from shop.parsers import MAX_DEPTH

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def client():
    return Client()


@pytest.mark.parametrize(
    "path",
    ["/product/OLJCESPC7Z%00", "/search?q=a%00b", "/category/x%01y", "/cart?x=%1b[31m"],
)
def test_a_control_character_in_a_page_request_is_a_400_page_that_says_why(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "control character" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path", ["/api/v1/products/OLJCESPC7Z%00/", "/api/v1/products/?q=%00", "/api/v1/%00"]
)
def test_a_control_character_in_an_api_request_is_a_400_problem(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "control_character"


def test_a_control_character_in_a_form_field_is_a_400(client):
    response = client.post("/setCurrency", {"currency_code": "EUR\x00"})
    assert response.status_code == 400
    assert "control character" in response.content.decode()


def test_tabs_and_newlines_in_a_value_are_text_not_an_attack(client):
    assert client.get("/search?q=a%09b%0Ac").status_code == 200


def test_a_cookie_with_a_control_character_is_ignored_not_refused(client):
    client.cookies["sessionid"] = "abc\x00def-ghijklmnop"
    client.cookies["currency"] = "EUR\x07"
    assert client.get("/").status_code == 200


def test_a_raw_control_character_in_the_cookie_header_drops_that_cookie_only(client):
    response = client.get("/", HTTP_COOKIE="shop_currency=EUR\x01; other=ok")
    assert response.status_code == 200


def test_a_header_with_a_control_character_is_a_400(client):
    response = client.get("/api/v1/products/", HTTP_IDEMPOTENCY_KEY="a\x00b")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_FIRST": "fine", "HTTP_X_LAST": "bell\x07"},  # one bad value among good ones
        {"HTTP_X_ONE": "ends in \x1f"},
        {"HTTP_X_\x01NAME": "a control character in a header's name"},
        {"HTTP_X_LONE": "surrogate \ud800"},
    ],
)
def test_every_header_name_and_value_is_checked(client, headers):
    # The headers are checked joined in one text (shop.input_checks): any one of them refuses.
    response = client.get("/", **headers)
    assert response.status_code == 400
    assert "A header of this request contains a control character" in response.content.decode()


def test_tabs_and_line_breaks_in_header_values_are_allowed_as_in_any_value(client):
    # The line feed that joins the headers for the check must not make them look unsafe either.
    response = client.get("/", HTTP_X_NOTE="a\tb\r\nc", HTTP_X_EMPTY="")
    assert response.status_code == 200


def post_json(client, path: str, body: str | bytes):
    return client.post(path, body, content_type="application/json")


@pytest.fixture
def items_url(client, catalog):
    cart_id = client.post("/api/v1/carts/").json()["id"]
    return f"/api/v1/carts/{cart_id}/items/"


@pytest.mark.parametrize(
    "body",
    [
        '{"product_id": "OLJCESPC7Z\\u0000", "quantity": 1}',
        '{"product_id": "\\ud800", "quantity": 1}',
        '{"product_id": "OLJCESPC7Z", "quantity": 1, "\\u0000": 1}',
        "[" * 100_000 + "]" * 100_000,
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        '{"a": NaN}',
        b'{"a": "\xff"}',
    ],
    ids=["nul", "lone-surrogate", "nul-in-key", "very-deep", "too-deep", "nan", "not-utf8"],
)
def test_a_hostile_json_body_is_a_400_problem(client, items_url, body):
    response = post_json(client, items_url, body)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM


def test_a_clean_body_is_parsed(client, items_url):
    body = json.dumps({"product_id": "OLJCESPC7Z", "quantity": 1})
    assert post_json(client, items_url, body).status_code == 200


def test_a_body_over_the_upload_limit_is_a_413_problem(client, items_url, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"product_id": "x" * 2000, "quantity": 1})
    response = post_json(client, items_url, body)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM and response.json()["code"] == "too_large"


def test_a_form_over_the_upload_limit_is_refused_with_a_4xx(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    assert client.post("/setCurrency", {"currency_code": "E" * 2000}).status_code == 400


def test_a_form_body_over_the_upload_limit_to_the_api_is_a_413_problem(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/api/v1/carts/", {"x": "y" * 2000})
    assert response.status_code == 413 and response["Content-Type"] == PROBLEM


def test_grpc_request_strings_are_checked_at_any_depth():
    from shop.rpc.protos import hipstershop_pb2 as pb
    from shop.rpc.servicer import _unsafe_strings

    def order(**address) -> pb.PlaceOrderRequest:
        return pb.PlaceOrderRequest(
            user_id="u", user_currency="EUR", address=pb.Address(**address), email="a@b.c"
        )

    assert not _unsafe_strings(order(city="Zürich\tline"))
    assert _unsafe_strings(order(city="Zü\x00rich"))
    assert _unsafe_strings(pb.GetProductRequest(id="\x1b[31m"))
    products = pb.ListRecommendationsRequest(user_id="u", product_ids=["ok", "n\x00"])
    assert _unsafe_strings(products)
    # In a list of messages, in a map's keys and in its message values (the fields' kinds are
    # learnt once per field: the second message of a type must be judged as the first).
    quote = pb.GetQuoteRequest(items=[pb.CartItem(product_id="a"), pb.CartItem(product_id="b")])
    assert not _unsafe_strings(quote)
    quote.items.add(product_id="c\x7f")
    assert _unsafe_strings(quote)
    assert not _unsafe_strings(pb.GetQuoteRequest(items=[pb.CartItem(product_id="a")]))
    assert not _unsafe_strings(pb.Empty())
    from google.protobuf import struct_pb2

    assert not _unsafe_strings(struct_pb2.Struct(fields={"k": struct_pb2.Value(string_value="v")}))
    assert _unsafe_strings(struct_pb2.Struct(fields={"k\x01": struct_pb2.Value(number_value=1)}))
    assert _unsafe_strings(struct_pb2.Struct(fields={"k": struct_pb2.Value(string_value="\x02")}))


def test_the_wire_conversions_take_ascii_digits_only():
    from dataclasses import replace

    from shop import dto
    from shop.errors import InvalidArgument
    from shop.rpc.convert import address_to_pb, credit_card_to_pb

    address = dto.Address("1 Main St", "Springfield", "IL", "United States", "62701")
    with pytest.raises(InvalidArgument):  # "²".isdigit() is True, int("²") a ValueError
        address_to_pb(replace(address, zip_code="6270²"))
    card = dto.CreditCard("4111111111111111", "¹²³", 2039, 1)
    assert credit_card_to_pb(card).credit_card_cvv == 0  # the service then refuses it
