"""Traces: OpenTelemetry spans of the web, the gRPC services and the Celery workers, exported over
OTLP/gRPC when the standard OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md, "Traces").

Each process calls `setup_tracing` once, before it serves: the web in shop/wsgi.py (before the
handler loads its middleware, as Django's instrumentation adds one), grpcserve before it builds
its server, a Celery worker in each pool process on worker_process_init (after the fork, so the
exporting thread lives in the process that makes the spans). Without an endpoint it returns at
once: it imports nothing of OpenTelemetry's SDK, exporters or instrumentations and patches
nothing, so a request runs the same code as without the packages.

With one, the instrumentations are global: grpc.server gets OpenTelemetry's interceptor first in
its list (so the log and metric interceptors after it run inside the server span) and every
channel from grpc.insecure_channel, channel_for's included, writes the trace context into the
call's metadata; Celery carries it in the task headers from the publisher to the worker.
"""

from __future__ import annotations

import os

from django.conf import settings

# Probes and scrapes every few seconds would bury the requests worth looking at.
UNTRACED_URLS = "/_healthz$,/readyz$,/metrics$,/static/"
# Where the instrumentation records the URL; with it the query string, where order access tokens
# travel (/order/<id>?token=...).
URL_ATTRIBUTES = ("http.target", "http.url", "url.full")

_provider = None


def setup_tracing(service_name: str) -> bool:
    """Traces this process as `service_name` (OTEL_SERVICE_NAME, when set, wins) if an OTLP
    endpoint is configured; returns whether it does. Later calls change nothing."""
    wanted = settings.OTEL_EXPORTER_OTLP_ENDPOINT and not settings.OTEL_SDK_DISABLED
    if wanted and _provider is None:
        _install(service_name)
    return _provider is not None


def flush() -> None:
    """Exports the finished spans still waiting in the batch, for a process about to end without
    running its exit handlers (a Celery pool process)."""
    if _provider is not None:
        _provider.force_flush(timeout_millis=5000)


def _without_query_string(span, request) -> None:
    """Django's request hook: a span keeps no query string, as no log line does."""
    if span.is_recording():
        for key in URL_ATTRIBUTES:
            if key in span.attributes:
                span.set_attribute(key, span.attributes[key].split("?", 1)[0])
        if span.attributes.get("url.query"):
            span.set_attribute("url.query", "")


def _install(service_name: str) -> None:
    # Imported here, only when tracing: a process without an endpoint never loads them.
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.grpc import GrpcInstrumentorClient, GrpcInstrumentorServer
    from opentelemetry.instrumentation.grpc.filters import health_check, negate
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased

    global _provider
    # Resource.create reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; what is passed wins.
    named = {} if os.environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service_name}
    resource = Resource.create(named)
    # The exporter reads the endpoint, headers and TLS settings from the OTEL_EXPORTER_OTLP_*
    # variables. Made before gRPC is instrumented, so its own channel makes no spans.
    exporting = BatchSpanProcessor(OTLPSpanExporter())
    provider = TracerProvider(resource=resource)  # its sampler from OTEL_TRACES_SAMPLER
    provider.add_span_processor(exporting)
    trace.set_tracer_provider(provider)
    # A Redis command or SQL query is traced only inside a request or task: alone it is the
    # worker polling its broker, or a readiness probe, a new trace every second for nothing.
    stores = TracerProvider(
        resource=resource, sampler=ParentBased(root=ALWAYS_OFF), shutdown_on_exit=False
    )
    stores.add_span_processor(exporting)

    # A missing or incompatible library must fail loudly, not leave a hole in every trace.
    strict = {"raise_exception_on_conflict": True}
    DjangoInstrumentor().instrument(
        excluded_urls=os.environ.get("OTEL_PYTHON_DJANGO_EXCLUDED_URLS", UNTRACED_URLS),
        request_hook=_without_query_string,
        **strict,
    )
    untraced_probes = negate(health_check())
    GrpcInstrumentorServer(filter_=untraced_probes).instrument(**strict)
    GrpcInstrumentorClient(filter_=untraced_probes).instrument(**strict)
    CeleryInstrumentor().instrument(**strict)
    PsycopgInstrumentor().instrument(tracer_provider=stores, **strict)
    RedisInstrumentor().instrument(tracer_provider=stores, **strict)
    _provider = provider
