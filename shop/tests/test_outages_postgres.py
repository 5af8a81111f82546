"""PostgreSQL stopped and started again under the shop: 503s with Retry-After while it is down,
answers again once it is back, no restart (CONN_HEALTH_CHECKS). Requests go through Django's
real WSGI handler, so its per-request connection hygiene runs as under gunicorn."""

from __future__ import annotations

import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import connection

from catalog.models import Product

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.stops_postgres,
    pytest.mark.django_db(transaction=True),
]

SUNGLASSES = "OLJCESPC7Z"


def wsgi_get(path: str) -> tuple[int, dict[str, str], bytes]:
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    answer: dict = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(WSGIHandler()(environ, start_response))
    return answer["status"], answer["headers"], body


def test_every_route_is_a_503_while_postgresql_is_stopped_and_answers_once_it_is_back(
    postgres, catalog, shipping
):
    assert wsgi_get("/api/v1/currencies/")[0] == 200  # a pooled connection now exists
    postgres.halt()
    try:
        for path in (f"/product/{SUNGLASSES}", "/category/accessories", "/api/v1/products/"):
            status, headers, body = wsgi_get(path)
            assert status == 503, path
            assert headers["Retry-After"] == "5"
            if path.startswith("/api/"):
                assert json.loads(body)["code"] == "database_unavailable"
            else:
                assert b"cannot reach its database" in body
    finally:
        postgres.start()
    status, _headers, body = wsgi_get("/api/v1/products/")
    assert status == 200 and SUNGLASSES in body.decode()
    assert wsgi_get(f"/product/{SUNGLASSES}")[0] == 200


def test_a_connection_left_over_from_before_a_restart_is_replaced_before_it_fails(
    postgres, catalog
):
    assert Product.objects.exists()  # this thread holds a connection to the old server
    postgres.halt()
    postgres.start()
    # What the WSGI handler does at the start of every request: with CONN_HEALTH_CHECKS the
    # stale connection is checked on its next use and replaced, so the request never sees it.
    request_started.send(sender=None)
    assert Product.objects.filter(pk=SUNGLASSES).exists()
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
