"""The server closes old connections (GRPC_MAX_CONNECTION_AGE_SECONDS), so a client behind a
Kubernetes Service reconnects and reaches the other replicas: seen from a real client, whose
channel leaves READY for IDLE when the server's GOAWAY arrives, then serves the next call."""

import threading

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from shop.rpc.server import build_server

# Generous for a busy machine: the connection is closed after about a second (+-10% jitter).
WAIT_SECONDS = 30


def test_the_server_closes_a_connection_once_it_is_max_connection_age_old(settings):
    settings.GRPC_MAX_CONNECTION_AGE_SECONDS = 1.0
    settings.GRPC_MAX_CONNECTION_AGE_GRACE_SECONDS = 1.0
    server, port, _health = build_server(["currency"], address="127.0.0.1:0", max_workers=2)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    states: list[grpc.ChannelConnectivity] = []
    closed = threading.Event()

    def watch(state: grpc.ChannelConnectivity) -> None:
        states.append(state)
        if grpc.ChannelConnectivity.READY in states and state != grpc.ChannelConnectivity.READY:
            closed.set()

    channel.subscribe(watch)
    try:
        health = health_pb2_grpc.HealthStub(channel)
        request = health_pb2.HealthCheckRequest(service="")
        assert health.Check(request, timeout=10).status == health_pb2.HealthCheckResponse.SERVING
        assert closed.wait(WAIT_SECONDS), f"the connection stayed open: {states}"
        # The client reconnects by itself for the next call.
        assert health.Check(request, timeout=10).status == health_pb2.HealthCheckResponse.SERVING
    finally:
        channel.unsubscribe(watch)
        channel.close()
        server.stop(grace=None)
