"""A database or Redis that does not answer is a 503 with Retry-After on every surface (the
storefront's page, the API's problem, gRPC's UNAVAILABLE), never a 500 (shop/outages.py).

The database "goes down" through Django's own hook on this thread's connection
(`connection.execute_wrapper`): every query raises what psycopg raises when the server is gone.
tests in test_outages_postgres.py stop a real PostgreSQL."""

from __future__ import annotations

from concurrent import futures

import grpc
import pytest
import redis
from django.db import InterfaceError, OperationalError, connection
from django.test import RequestFactory

from shop.errors import ServiceUnavailable
from shop.outages import DatabaseUnavailable, StoreUnavailable, outage
from shop.rpc.client import RemoteClient
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer
from storefront.error_pages import server_error
from testing.fixtures import FORM

pytestmark = [pytest.mark.usefixtures("catalog", "shipping")]

SUNGLASSES = "OLJCESPC7Z"


def database_down(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


STOREFRONT = [
    ("get", "/", {}),
    ("get", f"/product/{SUNGLASSES}", {}),
    ("get", "/category/accessories", {}),
    ("get", "/search?q=mug", {}),
    ("get", "/cart", {}),
    ("post", "/cart", {"product_id": SUNGLASSES, "quantity": "1"}),
    ("post", "/cart/checkout", FORM),
    ("get", "/order/6b0a4f6c-9a3e-4d36-8a4f-2a0c3b1e9d10?token=x", {}),
]
API = [
    ("get", "/api/v1/products/", {}),
    ("get", f"/api/v1/products/{SUNGLASSES}/", {}),
    ("get", "/api/v1/currencies/", {}),
    ("post", "/api/v1/carts/", {}),
]


@pytest.fixture
def shopper(client):
    """A visitor with a session and a cart, made while the database answered."""
    assert client.post("/cart", {"product_id": SUNGLASSES, "quantity": "1"}).status_code == 302
    return client


@pytest.mark.parametrize(("method", "path", "data"), STOREFRONT)
def test_every_storefront_page_is_a_503_page_while_the_database_is_down(
    shopper, method, path, data
):
    with connection.execute_wrapper(database_down):
        response = getattr(shopper, method)(path, data)
    assert response.status_code == 503, path
    assert response["Retry-After"] == "5"
    assert "cannot reach its database" in response.content.decode()


@pytest.mark.parametrize(("method", "path", "data"), API)
def test_every_api_resource_is_a_503_problem_while_the_database_is_down(client, method, path, data):
    with connection.execute_wrapper(database_down):
        response = getattr(client, method)(path, data, content_type="application/json")
    assert response.status_code == 503, path
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "database_unavailable"


def test_the_shop_answers_again_once_the_database_is_back(client):
    with connection.execute_wrapper(database_down):
        assert client.get(f"/product/{SUNGLASSES}").status_code == 503
    assert client.get(f"/product/{SUNGLASSES}").status_code == 200


def test_an_outage_met_outside_a_view_is_still_a_503():
    """Django's last resort (handler500) sees what a middleware raised, e.g. saving a session."""
    request = RequestFactory().get("/")
    try:
        raise InterfaceError("connection already closed")
    except InterfaceError:
        page = server_error(request)
    assert page.status_code == 503 and page["Retry-After"] == "5"
    api = RequestFactory().get("/api/v1/products/")
    try:
        raise redis.TimeoutError("Timeout reading from socket")
    except redis.TimeoutError:
        problem = server_error(api)
    assert problem.status_code == 503 and problem["Content-Type"] == "application/problem+json"
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500  # a bug stays a 500


def test_only_outages_are_outages():
    assert isinstance(outage(OperationalError("gone")), DatabaseUnavailable)
    assert isinstance(outage(redis.ConnectionError("refused")), StoreUnavailable)
    assert outage(ValueError("bug")) is None
    from django.db import IntegrityError, ProgrammingError

    assert outage(IntegrityError("duplicate")) is None
    assert outage(ProgrammingError("no such table")) is None


class CurrencyClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "CurrencyServiceStub"
    service_label = "currency"


class DatabaseDown(Servicer, pb_grpc.CurrencyServiceServicer):
    """What an app's servicer meets when its database is down: our wrapper maps it."""

    def GetSupportedCurrencies(self, request, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    def Convert(self, request, context):
        raise ValueError("a bug")


def test_grpc_answers_unavailable_and_the_caller_gets_service_unavailable():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    pb_grpc.add_CurrencyServiceServicer_to_server(DatabaseDown(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        stub = pb_grpc.CurrencyServiceStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
        with pytest.raises(grpc.RpcError) as raised:
            stub.GetSupportedCurrencies(pb.Empty(), timeout=5)
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "cannot reach its database" in raised.value.details()
        with pytest.raises(grpc.RpcError) as bug:
            stub.Convert(pb.CurrencyConversionRequest(), timeout=5)
        assert bug.value.code() == grpc.StatusCode.INTERNAL
        client = CurrencyClient(f"127.0.0.1:{port}", deadline=2)
        with pytest.raises(ServiceUnavailable, match="cannot reach its database"):
            client.call("GetSupportedCurrencies", pb.Empty())
    finally:
        server.stop(grace=None)
