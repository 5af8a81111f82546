"""Which thread pool runs which call (shop/rpc/pools.py): the health check and the methods
answered from memory in small pools of their own, everything else in the server's."""

from __future__ import annotations

import threading

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from shop.rpc.observed import ObservingRegistrar
from shop.rpc.pools import HEALTH_CHECK, MEMORY_THREADS, CallPools
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.server import build_server, service_modules
from shop.tests.test_rpc_observed import RecordingServer

CONVERT = "/hipstershop.CurrencyService/Convert"
CHARGE = "/hipstershop.PaymentService/Charge"


def convert_request() -> pb.CurrencyConversionRequest:
    usd = pb.Money(currency_code="USD", units=1)
    return pb.CurrencyConversionRequest(**{"from": usd}, to_code="EUR")


def test_each_method_is_given_its_pool():
    pools = CallPools([CONVERT], one_round_trip=[CHARGE])
    assert pools.pool_for(HEALTH_CHECK) is pools.health
    assert pools.pool_for(CONVERT) is pools.memory
    assert pools.pool_for(CHARGE) is pools.round_trip
    assert pools.pool_for("/hipstershop.CheckoutService/PlaceOrder") is None  # the server's
    assert pools.pool_for("/grpc.health.v1.Health/Watch") is None  # a stream holds its thread


def test_every_method_named_from_memory_is_served():
    # A misspelt name would silently leave its method in the server's pool.
    for app, module in service_modules().items():
        server = RecordingServer()
        module.add_to_server(ObservingRegistrar(server))
        served = {
            f"/{service}/{method}" for service, methods in server.registered.items()
            for method in methods
        }  # fmt: skip
        assert set(getattr(module, "from_memory", tuple)()) <= served, app
        assert set(getattr(module, "one_round_trip", tuple)()) <= served, app


def test_the_apps_name_their_carts_from_memory_and_their_charges_of_one_round_trip():
    from cart import rpc as cart_rpc
    from payments import rpc as payments_rpc

    assert "/hipstershop.CartService/GetCart" in cart_rpc.from_memory()
    assert "/hipstershop.CartService/AddItem" not in cart_rpc.from_memory()  # a write
    assert payments_rpc.one_round_trip() == (CHARGE,)


def test_a_quote_is_from_memory_only_with_the_catalog_in_the_process(settings):
    from shipping import rpc as shipping_rpc

    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "catalog": ""}
    assert shipping_rpc.from_memory() == ("/hipstershop.ShippingService/GetQuote",)
    # Another service: a quote may wait on it, so it stays in the server's pool.
    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "catalog": "catalog:3550"}
    assert shipping_rpc.from_memory() == ()


@pytest.mark.django_db(transaction=True)
def test_the_calls_run_in_their_pools(monkeypatch):
    from currency import rpc as currency_rpc

    threads = {}
    check = health.HealthServicer.Check

    def recording_convert(**kwargs):
        threads["Convert"] = threading.current_thread().name
        return kwargs["money"]  # whatever rates the database holds

    def recording_check(self, request, context):
        threads["Check"] = threading.current_thread().name
        return check(self, request, context)

    monkeypatch.setattr(currency_rpc.services, "currency_convert", recording_convert)
    monkeypatch.setattr(health.HealthServicer, "Check", recording_check)
    server, port, _health = build_server(["currency"], address="127.0.0.1:0", max_workers=2)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            pb_grpc.CurrencyServiceStub(channel).Convert(convert_request(), timeout=10)
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
    finally:
        server.stop(grace=None)
    assert threads["Convert"].startswith("grpc-memory")
    assert threads["Check"].startswith("grpc-health")


@pytest.mark.django_db(transaction=True)
def test_calls_waiting_in_the_memory_pool_do_not_delay_the_health_check(monkeypatch):
    # Every thread of the memory pool (and as many of the server's) held by a waiting Convert:
    # the liveness answer comes all the same.
    from currency import rpc as currency_rpc

    waiting = threading.Semaphore(0)
    release = threading.Event()

    def stuck_convert(**kwargs):
        waiting.release()
        release.wait(30)
        raise RuntimeError("released")

    monkeypatch.setattr(currency_rpc.services, "currency_convert", stuck_convert)
    server, port, _health = build_server(
        ["currency"], address="127.0.0.1:0", max_workers=MEMORY_THREADS
    )
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = pb_grpc.CurrencyServiceStub(channel)
            stuck = [
                stub.Convert.future(convert_request(), timeout=30) for _ in range(MEMORY_THREADS)
            ]
            for _ in stuck:
                assert waiting.acquire(timeout=10)
            answer = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service="liveness"), timeout=5
            )
            assert answer.status == health_pb2.HealthCheckResponse.SERVING
            release.set()
            for call in stuck:
                with pytest.raises(grpc.RpcError):
                    call.result()
    finally:
        release.set()
        server.stop(grace=None)
