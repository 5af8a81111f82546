"""What a gRPC server thread keeps from one call to the next (shop/rpc/server.py)."""

import grpc
from django.core.cache import caches

from shop.rpc.server import build_server


def _cache_identity(request: bytes, context: grpc.ServicerContext) -> bytes:
    return str(id(caches["default"])).encode()


def test_a_server_thread_keeps_its_cache_objects_across_calls():
    # One thread serves both calls; gRPC runs each in a fresh contextvars.Context.
    server, port, _health = build_server(["currency"], address="127.0.0.1:0", max_workers=1)
    probe = grpc.unary_unary_rpc_method_handler(_cache_identity)
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler("test.Probe", {"CacheIdentity": probe})]
    )
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = channel.unary_unary("/test.Probe/CacheIdentity")
            first, second = call(b"", timeout=10), call(b"", timeout=10)
    finally:
        server.stop(grace=None)
    assert first == second
