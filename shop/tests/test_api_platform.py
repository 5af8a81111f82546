"""API-wide behaviour: documentation without a CDN, one problem+json format for every error,
auth (401 vs 403), and one throttling policy with per-IP budgets kept in the cache."""

import io
import json

import pytest
import redis
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from shop.urls import urlpatterns as shop_urlpatterns

PROBLEM = "application/problem+json"


class EchoView(APIView):
    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"ok": True}, status=201)


urlpatterns = [path("api/v1/test-echo/", EchoView.as_view()), path("", include(shop_urlpatterns))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture(autouse=True)
def fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tight_writes(monkeypatch):
    """Two anonymous writes a minute (the throttle classes read their rates at import)."""
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "anon_write": "2/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def token_client(name: str, *, is_staff: bool) -> APIClient:
    user = User.objects.create_user(name, is_staff=is_staff)
    out = io.StringIO()
    call_command("drf_create_token", name, stdout=out)
    key = out.getvalue().split()[2]  # "Generated token <key> for user <name>"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert user.auth_token.key == key
    return client


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert body["status"] == status and body["detail"] and body["code"]
    return body


def test_interactive_docs_use_only_our_own_static_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_schema_is_openapi_3(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing-here/", "/api/v1/products", "/api/v1/carts/c/items/p/x/"]
)
def test_an_unknown_api_path_is_a_problem_not_the_html_page(url):
    body = assert_problem(APIClient().get(url), 404)
    assert url in body["detail"]
    assert_problem(APIClient().post(url, {}), 404)


def test_unknown_ids_are_404_problems():
    assert_problem(APIClient().get("/api/v1/products/NOSUCHPROD/"), 404)
    assert_problem(APIClient().get("/api/v1/carts/not-a-cart/"), 404)
    assert_problem(APIClient().get("/api/v1/orders/not-a-uuid/"), 404)


def test_a_method_the_resource_lacks_is_405():
    assert_problem(APIClient().delete("/api/v1/products/"), 405)


def test_a_body_that_is_not_json_is_415_and_malformed_json_is_400():
    api = APIClient()
    url = "/api/v1/currencies/convert/"
    form = api.post(url, "to=EUR", content_type="application/x-www-form-urlencoded")
    assert assert_problem(form, 415)["code"] == "unsupported_media_type"
    broken = api.post(url, '{"to": "EUR",', content_type="application/json")
    assert assert_problem(broken, 400)["code"] == "parse_error"


def test_nested_field_errors_stay_objects_shaped_like_the_body():
    body = {"address": {"city": "", "zip_code": "x" * 17}, "items": [{"product_id": "A"}]}
    response = APIClient().post("/api/v1/shipping/quotes/", body, format="json")
    problem = assert_problem(response, 400)
    assert problem["errors"] == {
        "address": {
            "street_address": ["Enter the street address."],
            "city": ["Enter the city."],
            "country": ["Enter the country."],
            "zip_code": ["The postal code can be at most 16 characters long."],
        },
        "items": {"0": {"quantity": ["This field is required."]}},
    }
    assert "address.city: Enter the city." in problem["detail"]
    assert "items.0.quantity: This field is required." in problem["detail"]


# --- auth ------------------------------------------------------------------------------------


def test_no_credentials_is_401_with_the_token_challenge():
    response = APIClient().get("/api/v1/orders/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_drf_create_token_issues_a_working_token_and_staff_resources_refuse_others():
    integrator = token_client("integrator", is_staff=False)
    staff = token_client("staff", is_staff=True)
    assert_problem(integrator.get("/api/v1/orders/"), 403)
    assert_problem(integrator.get("/api/v1/payments/charges/"), 403)
    assert_problem(integrator.get("/api/v1/shipping/shipments/"), 403)
    assert staff.get("/api/v1/orders/").status_code == 200
    wrong = APIClient(HTTP_AUTHORIZATION="Token not-a-key")
    assert_problem(wrong.get("/api/v1/orders/"), 401)


# --- throttling ------------------------------------------------------------------------------


def test_anonymous_writes_are_throttled_with_retry_after(tight_writes):
    api = APIClient()
    statuses = [api.post("/api/v1/test-echo/", {}).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    response = api.post("/api/v1/test-echo/", {})
    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    # Reads are not counted against the write budget.
    assert api.get("/api/v1/test-echo/").status_code == 200


def test_each_ip_has_its_own_budget_and_a_forged_forwarded_for_does_not_reset_it(tight_writes):
    first, second = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    assert [first.post("/api/v1/test-echo/").status_code for _ in range(3)] == [201, 201, 429]
    assert second.post("/api/v1/test-echo/").status_code == 201
    forged = first.post("/api/v1/test-echo/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forged.status_code == 429


def test_token_holders_are_not_counted_against_the_anonymous_budget(tight_writes):
    integrator = token_client("integrator", is_staff=False)
    statuses = {integrator.post("/api/v1/test-echo/").status_code for _ in range(4)}
    assert statuses == {201}


@pytest.mark.redis
def test_the_counters_live_in_the_configured_cache(tight_writes, settings, redis_server):
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_server.url}
    }
    direct = redis.Redis.from_url(redis_server.url)
    direct.flushdb()
    api = APIClient(REMOTE_ADDR="10.0.0.7")
    assert [api.post("/api/v1/test-echo/").status_code for _ in range(2)] == [201, 201]
    assert [key.decode() for key in direct.keys("*throttle*")] == [
        ":1:throttle_anon_write_10.0.0.7"
    ]
    # Another worker sees the same counter: flushing it is what gives the budget back.
    assert api.post("/api/v1/test-echo/").status_code == 429
    direct.flushdb()
    assert api.post("/api/v1/test-echo/").status_code == 201
