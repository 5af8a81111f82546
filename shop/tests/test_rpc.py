"""The gRPC server, the seam and the error mapping, over real channels."""

import filecmp
import os
import subprocess
import sys
from concurrent import futures
from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from currency.client import GrpcCurrencyClient, currency_client
from currency.local import LocalCurrencyClient
from currency.services import UnsupportedCurrency
from shop import registry
from shop.errors import ServiceUnavailable
from shop.money import Money
from shop.rpc import codegen
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.server import service_modules
from shop.rpc.servicer import Servicer
from testing.servers import free_port, wait_for_port

pytestmark = pytest.mark.django_db(transaction=True)

ALL_SERVICES = [
    "hipstershop.ProductCatalogService",
    "hipstershop.CartService",
    "hipstershop.CurrencyService",
    "hipstershop.PaymentService",
    "hipstershop.ShippingService",
    "hipstershop.EmailService",
    "hipstershop.CheckoutService",
    "hipstershop.RecommendationService",
    "hipstershop.AdService",
]


@pytest.fixture
def rates(db):
    from currency.services import rates_load_initial

    rates_load_initial()


def test_health_reports_each_served_service(grpc_server):
    address = grpc_server("currency", "catalog")
    health = health_pb2_grpc.HealthStub(grpc.insecure_channel(address))
    for name in ["", "hipstershop.CurrencyService", "hipstershop.ProductCatalogService"]:
        response = health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
        assert response.status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as excinfo:
        health.Check(health_pb2.HealthCheckRequest(service="hipstershop.CartService"), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.NOT_FOUND


def test_reflection_lists_every_service(grpc_server):
    address = grpc_server()  # no names: every service
    stub = reflection_pb2_grpc.ServerReflectionStub(grpc.insecure_channel(address))
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    (response,) = list(stub.ServerReflectionInfo(iter([request]), timeout=5))
    listed = {service.name for service in response.list_services_response.service}
    assert set(ALL_SERVICES) <= listed
    assert "grpc.health.v1.Health" in listed


class RecordingServer:
    """Stands in for grpc.Server to record the services an rpc module registers."""

    def __init__(self):
        self.services: list[str] = []

    def add_generic_rpc_handlers(self, handlers):
        self.services.extend(handler.service_name() for handler in handlers)

    def add_registered_method_handlers(self, service_name, method_handlers):
        pass


@pytest.mark.parametrize("app", sorted(service_modules()))
def test_each_app_names_every_service_it_serves(app):
    """SERVICE_NAMES feeds health and reflection: it must be exactly what the app serves, the
    original's service first (the readiness probe's)."""
    module = service_modules()[app]
    server = RecordingServer()
    module.add_to_server(server)
    assert server.services == list(module.SERVICE_NAMES)
    assert module.SERVICE_NAMES[0].startswith("hipstershop.")


def test_the_server_serves_the_rpc_modules_named_in_the_settings(settings, grpc_server):
    settings.GRPC_SERVICES = {"currency": "currency.rpc"}
    address = grpc_server()  # no names: every service the settings name
    health = health_pb2_grpc.HealthStub(grpc.insecure_channel(address))
    check = health_pb2.HealthCheckRequest(service="hipstershop.CurrencyService")
    assert health.Check(check, timeout=5).status == health_pb2.HealthCheckResponse.SERVING
    with pytest.raises(grpc.RpcError) as excinfo:
        health.Check(health_pb2.HealthCheckRequest(service="hipstershop.CartService"), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.NOT_FOUND


def test_health_and_reflection_report_our_extensions_too(grpc_server):
    address = grpc_server("cart", "payments")
    health = health_pb2_grpc.HealthStub(grpc.insecure_channel(address))
    for name in ["boutique.CartLineService", "boutique.PaymentAdminService"]:
        response = health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
        assert response.status == health_pb2.HealthCheckResponse.SERVING
    stub = reflection_pb2_grpc.ServerReflectionStub(grpc.insecure_channel(address))
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    (response,) = list(stub.ServerReflectionInfo(iter([request]), timeout=5))
    listed = {service.name for service in response.list_services_response.service}
    assert {"boutique.CartLineService", "boutique.PaymentAdminService"} <= listed


def test_convert_keeps_nano_precision_over_the_wire(grpc_server, rates):
    stub = pb_grpc.CurrencyServiceStub(grpc.insecure_channel(grpc_server("currency")))
    request = pb.CurrencyConversionRequest(
        **{"from": pb.Money(currency_code="USD", units=100, nanos=500_000_000)}, to_code="EUR"
    )
    result = stub.Convert(request, timeout=5)
    # 100.50 / 1.1305 = 88.89871738168951...
    assert (result.currency_code, result.units, result.nanos) == ("EUR", 88, 898717381)


def test_unknown_currency_is_invalid_argument_not_unknown(grpc_server, rates):
    stub = pb_grpc.CurrencyServiceStub(grpc.insecure_channel(grpc_server("currency")))
    request = pb.CurrencyConversionRequest(
        **{"from": pb.Money(currency_code="USD", units=1)}, to_code="XXX"
    )
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.Convert(request, timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "XXX" in excinfo.value.details()


def test_malformed_money_is_invalid_argument(grpc_server, rates):
    stub = pb_grpc.CurrencyServiceStub(grpc.insecure_channel(grpc_server("currency")))
    request = pb.CurrencyConversionRequest(
        **{"from": pb.Money(currency_code="USD", units=1, nanos=-5)}, to_code="EUR"
    )
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.Convert(request, timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_unfilled_service_answers_unimplemented_not_unknown():
    class Unfilled(Servicer, pb_grpc.AdServiceServicer):
        pass

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    pb_grpc.add_AdServiceServicer_to_server(Unfilled(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        stub = pb_grpc.AdServiceStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
        with pytest.raises(grpc.RpcError) as excinfo:
            stub.GetAds(pb.AdRequest(), timeout=5)
        assert excinfo.value.code() == grpc.StatusCode.UNIMPLEMENTED
    finally:
        server.stop(grace=None)


def test_remote_and_local_clients_agree(grpc_server, rates):
    remote = GrpcCurrencyClient(grpc_server("currency"))
    local = LocalCurrencyClient()
    money = Money(Decimal("19.99"), "USD")
    assert remote.supported_currencies() == local.supported_currencies()
    expected = local.convert(money, "JPY")
    assert remote.convert(money, "JPY") == Money.from_units_nanos("JPY", *expected.units_nanos())


def test_remote_client_raises_the_same_domain_error(grpc_server, rates):
    remote = GrpcCurrencyClient(grpc_server("currency"))
    with pytest.raises(UnsupportedCurrency, match="XXX"):
        remote.convert(Money(Decimal("1"), "USD"), "XXX")


def test_unreachable_service_retries_then_is_unavailable(settings):
    settings.GRPC_RETRY_ATTEMPTS = 3
    address = f"127.0.0.1:{free_port()}"  # nothing listens there
    client = GrpcCurrencyClient(address, deadline=0.5)
    with pytest.raises(ServiceUnavailable, match="currency service is not answering"):
        client.supported_currencies()


def test_registry_picks_remote_when_the_address_is_set(settings, grpc_server, rates):
    registry.reset()
    assert isinstance(currency_client(), LocalCurrencyClient)
    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "currency": grpc_server("currency")}
    registry.reset()
    client = currency_client()
    assert isinstance(client, GrpcCurrencyClient)
    assert client is currency_client()  # built once per process
    assert "EUR" in client.supported_currencies()


def test_grpcserve_command_serves_health(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    command = [sys.executable, "manage.py", "grpcserve", "currency", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    try:
        wait_for_port(port, timeout=30)
        health = health_pb2_grpc.HealthStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
        check = health_pb2.HealthCheckRequest(service="hipstershop.CurrencyService")
        assert health.Check(check, timeout=5).status == health_pb2.HealthCheckResponse.SERVING
    finally:
        process.terminate()
        assert process.wait(15) == 0


def test_grpcserve_refuses_an_unknown_service():
    result = subprocess.run(
        [sys.executable, "manage.py", "grpcserve", "nonsense", "--port", "0"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Unknown service(s) nonsense" in result.stderr


def test_generated_stubs_are_up_to_date(tmp_path):
    codegen.generate(tmp_path)
    generated = tmp_path / codegen.PROTOS_DIR
    committed = codegen.ROOT / codegen.PROTOS_DIR
    names = sorted(p.name for p in generated.glob("*_pb2*"))
    stems = [proto.stem for proto in codegen.proto_files()]
    assert {"hipstershop", "boutique_cart", "boutique_payments"} <= set(stems)
    expected = [f"{stem}{suffix}" for stem in stems for suffix in ("_pb2.py", "_pb2.pyi")]
    expected += [f"{stem}_pb2_grpc.py" for stem in stems]
    assert names == sorted(expected)
    match, mismatch, errors = filecmp.cmpfiles(generated, committed, names, shallow=False)
    assert not mismatch and not errors, f"run `make protos`: {mismatch + errors} are stale"
    assert Path(committed / "hipstershop.proto").exists()


# SIGTERM delivered to a thread other than the main one (as the kernel may: grpcserve runs
# gRPC's threads and its pools' beside the main thread).
SIGNAL_TO_ANOTHER_THREAD = """
import signal, threading, time
import django
django.setup()
from shop.management.commands.grpcserve import wait_for_stop

def deliver():
    while signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:  # until wait_for_stop listens
        time.sleep(0.01)
    signal.pthread_kill(threading.get_ident(), signal.SIGTERM)  # to this thread, not main

threading.Thread(target=deliver, daemon=True).start()
wait_for_stop()
print("stopped")
"""


def test_grpcserve_stops_on_a_sigterm_delivered_to_another_thread():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", SIGNAL_TO_ANOTHER_THREAD],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "stopped"
