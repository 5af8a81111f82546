"""Every entry point that takes an address applies the shop's one rule (shop/addresses.py): the
same over-long postal code is refused with the same message, the same longest one accepted.

Each entry point is a `submit(address)` answering the postal code's error messages ([] when the
address was accepted). Checkout runs on the fakes (the real catalog and currency); shipping is
the real service, called locally, over REST and over gRPC. The storefront sees every service,
so the proof lives here, reaching each one through its client or its public API.
"""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from rest_framework.test import APIClient

from checkout.client import GrpcCheckoutClient
from checkout.local import LocalCheckoutClient
from shipping.client import GrpcShippingClient
from shipping.local import LocalShippingClient
from shop.dto import CartItem
from shop.errors import InvalidArgument
from storefront.forms import CheckoutForm
from testing.fixtures import FORM

# The gRPC servers answer from their own threads, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

LONGEST = "12345-6789 ABCDE"  # 16 characters, the rule's limit
TOO_LONG = LONGEST + "F"
TOO_LONG_MESSAGE = "The postal code can be at most 16 characters long."
# hipstershop's Address.zip_code is an int32: the longest code that crosses it is 10 digits.
LONGEST_ON_THE_WIRE = "2147483647"
ITEMS = (CartItem("OLJCESPC7Z", 1),)


def _zip_errors(exc: InvalidArgument) -> list[str]:
    assert exc.fields, f"refused without naming a field: {exc.message}"
    return exc.fields.get("zip_code", [])


def _calling(call):
    """submit() for an entry point that raises the shop's errors."""

    def submit(address) -> list[str]:
        try:
            call(address)
        except InvalidArgument as exc:
            return _zip_errors(exc)
        return []

    return submit


def _posting(path: str, body, accepted: int, headers=dict):
    """submit() for a REST endpoint: [] on the accepted status, else the address's errors."""

    def submit(address) -> list[str]:
        response = APIClient().post(path, body(address), format="json", **headers())
        if response.status_code == accepted:
            return []
        assert response.status_code == 400, response.content
        return response.json()["errors"]["address"].get("zip_code", [])

    return submit


def _form(address) -> list[str]:
    form = CheckoutForm(data=FORM | {"zip_code": address.zip_code})
    return [] if form.is_valid() else form.errors.get("zip_code", [])


def _checkout(request, client, method: str = "place_order"):
    """submit() placing an order through a checkout client, each time from a fresh cart."""
    fakes, card = request.getfixturevalue("fakes"), request.getfixturevalue("card")

    def place(address):
        user_id = f"visitor-{uuid.uuid4()}"
        fakes.cart.add_item(user_id, "OLJCESPC7Z", 1)
        getattr(client, method)(user_id=user_id, user_currency="EUR", address=address,
                                email="ada@example.com", credit_card=card)  # fmt: skip

    return _calling(place)


def _checkout_service(request):
    return _checkout(request, LocalCheckoutClient())


def _checkout_grpc(request):
    return _checkout(
        request, GrpcCheckoutClient(request.getfixturevalue("grpc_server")("checkout"))
    )


def _checkout_grpc_customer(request):
    """boutique.CustomerOrderService, the storefront's way in: the postal code crosses as text."""
    client = GrpcCheckoutClient(request.getfixturevalue("grpc_server")("checkout"))
    return _checkout(request, client, "place_customer_order")


def _checkout_rest(request):
    fakes = request.getfixturevalue("fakes")
    card = dataclasses.asdict(request.getfixturevalue("card"))

    def body(address):
        cart_id = f"cart-{uuid.uuid4()}"
        fakes.cart.add_item(cart_id, "OLJCESPC7Z", 1)
        return {"cart_id": cart_id, "currency": "EUR", "email": "ada@example.com",
                "address": dataclasses.asdict(address), "credit_card": card}  # fmt: skip

    def headers():
        return {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}

    return _posting("/api/v1/orders/", body, 201, headers)


def _shipping_rest(request):
    items = [dataclasses.asdict(item) for item in ITEMS]
    body = lambda address: {"address": dataclasses.asdict(address), "items": items}  # noqa: E731
    return _posting("/api/v1/shipping/quotes/", body, 200)


def _shipping_service(request):
    return _calling(lambda address: LocalShippingClient().get_quote(address, ITEMS))


def _shipping_grpc(request):
    client = GrpcShippingClient(request.getfixturevalue("grpc_server")("shipping"))
    return _calling(lambda address: client.get_quote(address, ITEMS))


ENTRY_POINTS = {
    "storefront form": lambda request: _form,
    "checkout REST": _checkout_rest,
    "checkout service": _checkout_service,
    "checkout gRPC": _checkout_grpc,
    "checkout gRPC, storefront's extension": _checkout_grpc_customer,
    "shipping REST": _shipping_rest,
    "shipping service": _shipping_service,
    "shipping gRPC": _shipping_grpc,
}
# hipstershop's own messages, whose zip_code is an int32.
OVER_THE_WIRE = {"checkout gRPC", "shipping gRPC"}


@pytest.fixture(params=ENTRY_POINTS)
def entry(request):
    return request.param, ENTRY_POINTS[request.param](request)


def test_every_entry_point_refuses_the_same_over_long_postal_code(entry, address):
    _name, submit = entry
    assert submit(dataclasses.replace(address, zip_code=TOO_LONG)) == [TOO_LONG_MESSAGE]


def test_every_entry_point_accepts_the_same_longest_postal_code(entry, address):
    name, submit = entry
    if name in OVER_THE_WIRE:
        # The shop's rule accepts it; only the protocol's int32 field cannot carry it.
        refused = submit(dataclasses.replace(address, zip_code=LONGEST))
        assert refused == ["Must be numeric for this service."]
    else:
        assert submit(dataclasses.replace(address, zip_code=LONGEST)) == []


def test_every_entry_point_accepts_the_longest_code_the_wire_carries(entry, address):
    _name, submit = entry
    assert submit(dataclasses.replace(address, zip_code=LONGEST_ON_THE_WIRE)) == []
