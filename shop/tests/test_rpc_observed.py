"""The server's observation of each call (shop/rpc/observed.py) is wrapped around each method once,
at registration, and no interceptor runs per call. (What it records — the log line, the request
id, the metrics — is tested end to end in test_logs.py and test_metrics.py.)"""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from shop.observability import requestid
from shop.rpc.observed import ObservingRegistrar, _ObservedGenericHandler, observed_handler
from shop.rpc.server import build_server


class RecordingServer:
    """Stands in for grpc.Server: keeps what is registered."""

    def __init__(self):
        self.registered: dict[str, dict] = {}
        self.generic: list = []

    def add_registered_method_handlers(self, service_name, method_handlers):
        self.registered[service_name] = method_handlers

    def add_generic_rpc_handlers(self, handlers):
        self.generic.extend(handlers)


class Context:
    """The part of grpc.ServicerContext the observation reads."""

    def __init__(self, metadata=(), code=None):
        self.metadata = metadata
        self._code = code

    def invocation_metadata(self):
        return self.metadata

    def code(self):
        return self._code


class Details:
    def __init__(self, method: str):
        self.method = method
        self.invocation_metadata = ()


def seen_ids():
    seen = []

    def behavior(request, context):
        seen.append(requestid.current())
        return request

    return seen, grpc.unary_unary_rpc_method_handler(behavior)


def test_a_registered_method_is_observed_with_the_callers_request_id():
    seen, handler = seen_ids()
    server = RecordingServer()
    ObservingRegistrar(server).add_registered_method_handlers("test.Service", {"Echo": handler})
    observed = server.registered["test.Service"]["Echo"]
    assert observed is not handler
    assert observed.unary_unary("ping", Context([("x-request-id", "abc-123")])) == "ping"
    assert seen == ["abc-123"]
    assert requestid.current() is None  # unbound after the call


def test_a_generic_handler_wraps_each_method_once():
    seen, handler = seen_ids()
    generic = grpc.method_handlers_generic_handler("test.Service", {"Echo": handler})
    observed = _ObservedGenericHandler(generic)
    first = observed.service(Details("/test.Service/Echo"))
    assert observed.service(Details("/test.Service/Echo")) is first
    assert observed.service(Details("/test.Service/Other")) is None
    assert observed.service_name() == "test.Service"
    first.unary_unary("ping", Context())
    assert len(seen[0]) == 32  # no id came: a new one


def test_streams_pass_as_they_are():
    stream = grpc.unary_stream_rpc_method_handler(lambda request, context: iter(()))
    assert observed_handler("/test.Service/Watch", stream) is stream
    assert observed_handler("/test.Service/Gone", None) is None


@pytest.mark.django_db(transaction=True)
def test_the_server_runs_no_interceptor_per_call():
    server, port, _health = build_server(["currency"], address="127.0.0.1:0", max_workers=2)
    # gRPC keeps its interceptors in the server's state; none: per call, gRPC looks the method
    # up and runs its (observed) handler.
    assert server._state.interceptor_pipeline is None
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            answer = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=5
            )
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
    finally:
        server.stop(grace=None)
