"""The Prometheus metrics, in one process: each is moved by the real event it counts (a page, a
checkout, a gRPC call, a task, an outage), read back from the registry, and /metrics is refused
to anyone outside the allowed networks or coming through a proxy."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from decimal import Decimal

import pytest
from django.conf import settings
from prometheus_client import REGISTRY

from shop import registry
from shop.dto import CreditCard
from shop.money import Money
from shop.resilience import CircuitBreaker
from testing.fixtures import FORM
from testing.servers import free_port

DECLINED_VISA = "4000000000000002"  # the simulated processor declines it (payments/gateways.py)


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Delta:
    """How much each named sample moved between entering and now."""

    def __init__(self, *samples: tuple[str, dict[str, str]]):
        self.samples = samples

    def __enter__(self) -> Delta:
        self.before = [value(name, **labels) for name, labels in self.samples]
        return self

    def __exit__(self, *exc) -> None:
        pass

    def __getitem__(self, index: int) -> float:
        name, labels = self.samples[index]
        return value(name, **labels) - self.before[index]


def sample(name: str, **labels: str) -> tuple[str, dict[str, str]]:
    return name, labels


# --- the web -----------------------------------------------------------------------------------


def test_requests_are_counted_and_timed_by_route_never_by_raw_path(client, catalog):
    with Delta(
        sample("boutique_http_requests_total", method="GET", route="/product/<str:product_id>",
               status="200"),
        sample("boutique_http_request_duration_seconds_count", method="GET",
               route="/product/<str:product_id>"),
        sample("boutique_http_requests_total", method="GET", route="<unmatched>", status="404"),
    ) as moved:  # fmt: skip
        assert client.get("/product/OLJCESPC7Z").status_code == 200
        assert client.get("/product/9SIQT8TOJO").status_code == 200
        assert client.get("/no/such/page/123").status_code == 404
    assert (moved[0], moved[1], moved[2]) == (2, 2, 1)
    exposition = client.get("/metrics").content.decode()
    assert "/no/such/page" not in exposition and "OLJCESPC7Z" not in exposition


def test_each_status_of_a_route_is_its_own_series_though_children_are_remembered(client, catalog):
    # MetricsMiddleware keeps the labelled children it looked up: a remembered child must still
    # be the one the exposition shows, and another status of the same route another series.
    labels = {"method": "GET", "route": "/product/<str:product_id>"}
    with Delta(
        sample("boutique_http_requests_total", **labels, status="200"),
        sample("boutique_http_requests_total", **labels, status="404"),
        sample("boutique_http_request_duration_seconds_count", **labels),
    ) as moved:
        for _ in range(3):
            assert client.get("/product/OLJCESPC7Z").status_code == 200
        assert client.get("/product/NOSUCHPRODUCT").status_code == 404
    assert (moved[0], moved[1], moved[2]) == (3, 1, 4)


def test_labelled_children_remembered_are_bounded(monkeypatch):
    from shop.observability import metrics_http

    monkeypatch.setattr(metrics_http, "_series", {})
    monkeypatch.setattr(metrics_http, "_SERIES_MAX", 2)
    for method in ("GET", "PUT", "BREW"):  # a client's made-up method still counts
        requests, _ = metrics_http.series(method, "<unmatched>", 405)
        assert requests is metrics_http.HTTP_REQUESTS.labels(method, "<unmatched>", "405")
    assert len(metrics_http._series) == 2


def test_metrics_are_served_to_loopback_and_the_cluster_only(client, settings):
    served = client.get("/metrics")
    assert served.status_code == 200
    assert served["Content-Type"].startswith("text/plain; version=")
    assert "boutique_http_requests_total" in served.content.decode()
    # The private ranges a cluster uses are allowed by default; a public address is not.
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::ffff:127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    # Through the public ingress (a proxy adds X-Forwarded-For), even from inside the cluster.
    proxied = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 404
    assert client.get("/metrics", HTTP_FORWARDED="for=203.0.113.9").status_code == 404
    # Writing to it is no way in either.
    assert client.post("/metrics").status_code in (403, 404, 405)
    settings.METRICS_ALLOWED_NETWORKS = ["192.0.2.0/24"]
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_metrics_need_no_allowed_host_and_no_https(client, settings):
    # Prometheus scrapes a pod by its IP over plain HTTP.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/metrics", HTTP_HOST="10.1.2.3:8080").status_code == 200


# --- a checkout and what it counts -------------------------------------------------------------


@pytest.fixture
def shop(catalog, demo_ads):
    """The embedded shop: every service in process, Celery eager, the database cart."""


def test_a_checkout_counts_cart_order_revenue_email_and_tasks(
    client, shop, django_capture_on_commit_callbacks
):
    with Delta(
        sample("boutique_carts_created_total"),
        sample("boutique_carts_converted_total"),
        sample("boutique_orders_placed_total"),
        sample("boutique_revenue_total", currency="USD"),
        sample("boutique_emails_total", outcome="sent"),
        sample("boutique_celery_tasks_total", task="checkout.tasks.order_completed",
               outcome="success"),
        sample("boutique_celery_task_duration_seconds_count",
               task="notifications.tasks.email_send"),
        sample("boutique_http_requests_total", method="POST", route="/cart/checkout",
               status="200"),
    ) as moved:  # fmt: skip
        client.get("/product/OLJCESPC7Z")
        client.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "2"})
        client.post("/cart", {"product_id": "9SIQT8TOJO", "quantity": "1"})  # same cart
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post("/cart/checkout", FORM)
        assert page.status_code == 200
    assert (moved[0], moved[1], moved[2]) == (1, 1, 1)
    # 2 x 19.99 + 5.49 + 8.99 shipping, in the visitor's currency (USD by default).
    assert moved[3] == pytest.approx(54.46)
    assert (moved[4], moved[5], moved[6], moved[7]) == (1, 1, 1, 1)


@pytest.mark.django_db
def test_a_cart_is_created_by_its_first_item_in_either_store(any_store, catalog):
    from cart import services

    registered = services.cart_create().user_id  # a REST cart: registered, still empty
    with Delta(sample("boutique_carts_created_total")) as moved:
        services.cart_add_item(user_id="visitor", product_id="OLJCESPC7Z", quantity=1)
        services.cart_add_item(user_id="visitor", product_id="OLJCESPC7Z", quantity=1)
        services.cart_add_item(user_id="visitor", product_id="9SIQT8TOJO", quantity=1)
        services.cart_add_item(user_id=registered, product_id="9SIQT8TOJO", quantity=1)
        assert moved[0] == 2
        services.cart_empty(user_id="visitor")
        services.cart_add_item(user_id="visitor", product_id="9SIQT8TOJO", quantity=1)
        assert moved[0] == 3  # emptied (an order, or by hand), then started again


def test_a_declined_card_counts_the_decline_by_brand_and_the_failed_order(
    client, shop, django_capture_on_commit_callbacks
):
    with Delta(
        sample("boutique_payment_declines_total", brand="visa"),
        sample("boutique_orders_failed_total", reason="declined"),
        sample("boutique_orders_placed_total"),
    ) as moved:
        client.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"})
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post("/cart/checkout", FORM | {"credit_card_number": DECLINED_VISA})
        assert page.status_code == 422
    assert (moved[0], moved[1], moved[2]) == (1, 1, 0)


def test_ad_impressions_and_clicks_are_counted(client, shop):
    from ads.models import Ad
    from ads.services import ads_select

    ad = Ad.objects.first()
    with Delta(
        sample("boutique_ad_impressions_total"), sample("boutique_ad_clicks_total")
    ) as moved:
        shown = ads_select(context_keys=["kitchen"])
        assert client.get(f"/ads/{ad.pk}/click").status_code == 302
    assert (moved[0], moved[1]) == (len(shown), 1) and shown


@pytest.mark.django_db
def test_e_mail_retries_and_give_ups_are_counted(settings):
    from notifications.models import EmailMessage
    from notifications.services import email_deliver, emails_backlog_measure

    # A port nobody listens on: the SMTP connection is refused at once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.EMAIL_MAX_ATTEMPTS = 2
    message = EmailMessage.objects.create(
        idempotency_key="k", recipient="ada@example.com", subject="s", body_text="t", body_html="h"
    )
    assert emails_backlog_measure() == 1 and value("boutique_email_backlog") == 1
    with Delta(
        sample("boutique_emails_total", outcome="retried"),
        sample("boutique_emails_total", outcome="failed"),
    ) as moved:
        assert email_deliver(message_id=message.pk) is True
        assert email_deliver(message_id=message.pk) is False
    assert (moved[0], moved[1]) == (1, 1)
    assert emails_backlog_measure() == 0 and value("boutique_email_backlog") == 0


# --- gRPC --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_grpc_calls_are_counted_by_method_and_code_on_both_sides(grpc_server, settings):
    from payments.client import payment_client
    from shop.errors import InvalidArgument

    settings.SERVICE_ADDRS = {**settings.SERVICE_ADDRS, "payments": grpc_server("payments")}
    registry.reset()
    labels = {"grpc_service": "hipstershop.PaymentService", "grpc_method": "Charge"}
    with Delta(
        sample("boutique_grpc_server_handled_total", **labels, grpc_code="OK"),
        sample("boutique_grpc_client_handled_total", **labels, grpc_code="OK"),
        sample("boutique_grpc_server_handled_total", **labels, grpc_code="INVALID_ARGUMENT"),
        sample("boutique_grpc_client_handled_total", **labels, grpc_code="INVALID_ARGUMENT"),
        sample("boutique_grpc_server_handling_seconds_count", **labels),
        sample("boutique_grpc_client_handling_seconds_count", **labels),
    ) as moved:
        card = CreditCard(number=FORM["credit_card_number"], cvv="672", expiration_year=2039,
                          expiration_month=1)  # fmt: skip
        payment_client().charge(Money(Decimal("10.00"), "USD"), card, idempotency_key="metrics-1")
        with pytest.raises(InvalidArgument):
            payment_client().charge(Money(Decimal("10.00"), "USD"), replace(card, number="1234"))
    assert [moved[i] for i in range(6)] == [1, 1, 1, 1, 2, 2]


# --- dependencies and breakers -----------------------------------------------------------------


def test_a_circuit_breaker_reports_open_and_closed():
    breaker = CircuitBreaker("metrics-test", failure_threshold=2, cooldown=60)
    assert value("boutique_circuit_breaker_open", service="metrics-test") == 0
    breaker.failed()
    assert value("boutique_circuit_breaker_open", service="metrics-test") == 0
    breaker.failed()
    assert value("boutique_circuit_breaker_open", service="metrics-test") == 1
    breaker.succeeded()
    assert value("boutique_circuit_breaker_open", service="metrics-test") == 0


@pytest.mark.django_db
def test_a_redis_outage_is_counted_for_the_cart(settings, redis_server, redis_settings_template):
    from cart.client import cart_client
    from cart.errors import CartUnavailable
    from testing.fixtures import point_at_redis

    point_at_redis(settings, redis_settings_template, f"redis://127.0.0.1:{free_port()}/0")
    outage = sample("boutique_dependency_errors_total", dependency="redis", component="cart")
    with Delta(outage) as moved, pytest.raises(CartUnavailable):
        cart_client().get_cart("visitor")
    assert moved[0] == 1


IGNORED_CACHE_ERRORS = """
import django
django.setup()
from django.core.cache import cache
from prometheus_client import REGISTRY
assert cache.get("anything") is None  # Redis is down: the cache misses, the page goes on
print(REGISTRY.get_sample_value(
    "boutique_dependency_errors_total", {"dependency": "redis", "component": "cache"}))
"""


def test_cache_errors_django_redis_ignores_are_counted_not_logged():
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "ENV_FILE": os.devnull}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    result = subprocess.run(
        [sys.executable, "-c", IGNORED_CACHE_ERRORS],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == "1.0"
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


# --- several gunicorn workers ------------------------------------------------------------------


@pytest.mark.slow
def test_gunicorn_workers_add_up_in_one_exposition(tmp_path):
    """Multiprocess mode as the image runs it: whichever worker answers /metrics reports every
    worker's requests, and what an earlier run left in the directory is gone."""
    import requests

    from testing.servers import wait_for_port

    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_999999.db").write_bytes(b"left by a container that died")
    port = free_port()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "ENV_FILE": os.devnull,
           "SECRET_KEY": "metrics-test-" + "x" * 40, "DEBUG": "false", "HTTPS_ONLY": "false",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}  # fmt: skip
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "shop.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--max-requests", "10"],
        # The repository root: gunicorn reads its gunicorn.conf.py (the multiprocess hooks) there.
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port, timeout=60)
        for _ in range(30):
            # A new connection each time, so the workers share them out.
            assert requests.get(f"http://127.0.0.1:{port}/_healthz", timeout=10).ok
        exposition = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=20)
    line = 'boutique_http_requests_total{method="GET",route="/_healthz",status="200"} 30.0'
    assert line in exposition.splitlines()
    assert not (directory / "counter_999999.db").exists()
    pids = {path.stem.rsplit("_", 1)[1] for path in directory.glob("counter_*.db")}
    # Workers are replaced every 10 requests (however the kernel shares the connections out), so
    # several processes wrote samples there, the replaced ones' still counted in the total.
    assert len(pids) >= 2
