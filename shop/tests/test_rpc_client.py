"""The remote-call runtime (shop/rpc/client.py, retry.py, error_metadata.py) against real gRPC
servers on loopback whose servicers fail, hang or refuse on purpose."""

from __future__ import annotations

import threading
import time
from concurrent import futures
from importlib import import_module

import grpc
import pytest

from shop.errors import Concurrent, InvalidArgument, NotFound, ServiceUnavailable
from shop.rpc import retry
from shop.rpc.client import RemoteClient, close_channels
from shop.rpc.codegen import proto_files
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer
from testing.servers import free_port


class CurrencyClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "CurrencyServiceStub"
    service_label = "currency"


class CartClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "CartServiceStub"
    service_label = "cart"


class PaymentClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "PaymentServiceStub"
    service_label = "payment"


class Flaky(pb_grpc.CurrencyServiceServicer, pb_grpc.CartServiceServicer):
    """Answers UNAVAILABLE to the first `failures` attempts; records each attempt's
    grpc-previous-rpc-attempts header (set by gRPC on its own retries)."""

    def __init__(self, failures: int):
        self.failures = failures
        self.attempts: list[str | None] = []

    def _attempt(self, context) -> None:
        self.attempts.append(dict(context.invocation_metadata()).get("grpc-previous-rpc-attempts"))
        if len(self.attempts) <= self.failures:
            context.abort(grpc.StatusCode.UNAVAILABLE, "not now")

    def GetSupportedCurrencies(self, request, context):
        self._attempt(context)
        return pb.GetSupportedCurrenciesResponse(currency_codes=["EUR"])

    def AddItem(self, request, context):
        self._attempt(context)
        return pb.Empty()


class FlakyPayments(Flaky, pb_grpc.PaymentServiceServicer):
    def Charge(self, request, context):
        self._attempt(context)
        return pb.ChargeResponse(transaction_id="t-1")


class Hanging(pb_grpc.CurrencyServiceServicer):
    def __init__(self):
        self.attempts = 0
        self.release = threading.Event()

    def GetSupportedCurrencies(self, request, context):
        self.attempts += 1
        self.release.wait(30)
        return pb.GetSupportedCurrenciesResponse()


class Refusing(Servicer, pb_grpc.CurrencyServiceServicer):
    """Raises domain errors through our Servicer wrapper, as every app's servicer does."""

    def GetSupportedCurrencies(self, request, context):
        raise NotFound("Nothing here.")

    def Convert(self, request, context):
        if request.to_code == "BUSY":
            raise Concurrent("Someone came first.", retry_after=3)
        raise InvalidArgument(
            "Please correct the highlighted fields.",
            fields={"to_code": ["Pick a currency.", "Три буквы."], "from": ["Required."]},
        )


@pytest.fixture
def serve():
    """Starts a gRPC server with the given servicers; returns its address."""
    servers = []

    def start(servicer, *adders) -> str:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        for add in adders:
            add(servicer, server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        servers.append(server)
        return f"127.0.0.1:{port}"

    yield start
    for server in servers:
        server.stop(grace=None)
    close_channels()


@pytest.fixture(autouse=True)
def three_attempts(settings):
    settings.GRPC_RETRY_ATTEMPTS = 3


def test_an_idempotent_call_is_retried_by_the_channel_until_it_succeeds(serve):
    flaky = Flaky(failures=2)
    address = serve(flaky, pb_grpc.add_CurrencyServiceServicer_to_server)
    response = CurrencyClient(address, deadline=10).call("GetSupportedCurrencies", pb.Empty())
    assert list(response.currency_codes) == ["EUR"]
    assert flaky.attempts == [None, "1", "2"]  # N failures, then the N+1th attempt answered


def test_retries_stop_after_the_maximum_attempts(serve):
    flaky = Flaky(failures=10)
    address = serve(flaky, pb_grpc.add_CurrencyServiceServicer_to_server)
    with pytest.raises(ServiceUnavailable, match="currency service is not answering"):
        CurrencyClient(address, deadline=10).call("GetSupportedCurrencies", pb.Empty())
    assert len(flaky.attempts) == 3


def test_add_item_is_attempted_once(serve):
    flaky = Flaky(failures=1)
    address = serve(flaky, pb_grpc.add_CartServiceServicer_to_server)
    request = pb.AddItemRequest(user_id="u", item=pb.CartItem(product_id="P", quantity=1))
    with pytest.raises(ServiceUnavailable):
        CartClient(address, deadline=10).call("AddItem", request)
    assert flaky.attempts == [None]


def test_a_charge_is_attempted_once_even_with_an_idempotency_key(serve):
    flaky = FlakyPayments(failures=1)
    address = serve(flaky, pb_grpc.add_PaymentServiceServicer_to_server)
    with pytest.raises(ServiceUnavailable):
        PaymentClient(address, deadline=10).call(
            "Charge", pb.ChargeRequest(), metadata=(("idempotency-key", "k-1"),)
        )
    assert flaky.attempts == [None]


def test_a_hanging_service_is_unavailable_after_one_deadline_not_one_per_attempt(serve):
    hanging = Hanging()
    address = serve(hanging, pb_grpc.add_CurrencyServiceServicer_to_server)
    started = time.monotonic()
    try:
        with pytest.raises(ServiceUnavailable, match="currency service is not answering"):
            CurrencyClient(address, deadline=1.0).call("GetSupportedCurrencies", pb.Empty())
    finally:
        hanging.release.set()
    # Three attempts of a full deadline each took at least 3 s; the budget is 1 s (slack for a
    # busy machine).
    assert time.monotonic() - started < 2.5
    assert hanging.attempts == 1


def test_a_closed_port_is_unavailable():
    address = f"127.0.0.1:{free_port()}"  # nothing listens there
    try:
        with pytest.raises(ServiceUnavailable, match="currency service is not answering"):
            CurrencyClient(address, deadline=1.0).call("GetSupportedCurrencies", pb.Empty())
    finally:
        close_channels()


def test_per_field_messages_cross_the_seam(serve):
    address = serve(Refusing(), pb_grpc.add_CurrencyServiceServicer_to_server)
    client = CurrencyClient(address, deadline=10)
    with pytest.raises(InvalidArgument, match="highlighted fields") as excinfo:
        client.call("Convert", pb.CurrencyConversionRequest(to_code="X"))
    assert excinfo.value.fields == {
        "to_code": ["Pick a currency.", "Три буквы."],
        "from": ["Required."],
    }
    with pytest.raises(NotFound) as excinfo:
        client.call("GetSupportedCurrencies", pb.Empty())
    assert excinfo.value.fields == {}


def test_a_retry_hint_crosses_the_seam(serve):
    address = serve(Refusing(), pb_grpc.add_CurrencyServiceServicer_to_server)
    with pytest.raises(Concurrent, match="came first") as excinfo:
        CurrencyClient(address, deadline=10).call(
            "Convert", pb.CurrencyConversionRequest(to_code="BUSY")
        )
    assert excinfo.value.retry_after == 3


def test_malformed_fields_from_a_foreign_server_are_ignored(serve):
    class Foreign(pb_grpc.CurrencyServiceServicer):
        def Convert(self, request, context):
            context.set_trailing_metadata(
                (("shop-error-code", "invalid"), ("shop-error-fields", '["not", "a", "dict"]'))
            )
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "Bad.")

    address = serve(Foreign(), pb_grpc.add_CurrencyServiceServicer_to_server)
    with pytest.raises(InvalidArgument, match="Bad") as excinfo:
        CurrencyClient(address, deadline=10).call("Convert", pb.CurrencyConversionRequest())
    assert excinfo.value.fields == {}


def _services_of(proto_name: str):
    return import_module(f"shop.rpc.protos.{proto_name}_pb2").DESCRIPTOR.services_by_name.values()


def test_the_retry_policy_names_real_methods_and_spares_the_unsafe_ones():
    by_full_name = {
        service.full_name: service
        for proto in proto_files()
        for service in _services_of(proto.stem)
    }
    for service, methods in retry.RETRIED_METHODS.items():
        assert set(methods) <= set(by_full_name[service].methods_by_name), service
    assert "AddItem" not in retry.RETRIED_METHODS["hipstershop.CartService"]
    assert "hipstershop.PaymentService" not in retry.RETRIED_METHODS
    assert "ShipOrder" not in retry.RETRIED_METHODS["hipstershop.ShippingService"]


def test_the_attempts_setting_bounds_the_policy():
    assert retry.service_config(1) == {"methodConfig": []}  # gRPC needs two for a policy
    (config,) = retry.service_config(3)["methodConfig"]
    assert config["retryPolicy"]["maxAttempts"] == 3
    assert config["retryPolicy"]["retryableStatusCodes"] == ["UNAVAILABLE"]
    (config,) = retry.service_config(9)["methodConfig"]
    assert config["retryPolicy"]["maxAttempts"] == 5  # gRPC's own ceiling
