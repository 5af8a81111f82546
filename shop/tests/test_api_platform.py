"""API-wide behaviour: documentation without a CDN, throttling with Retry-After."""

import json

import pytest
from django.core.cache import cache
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from shop.urls import urlpatterns as shop_urlpatterns


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


def test_anonymous_writes_are_throttled_with_retry_after(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anon_write": "2/minute"},
    }
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        from shop.throttling import AnonWriteThrottle

        AnonWriteThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        api = APIClient()
        statuses = [api.post("/api/v1/test-echo/", {}).status_code for _ in range(3)]
        assert statuses == [201, 201, 429]
        response = api.post("/api/v1/test-echo/", {})
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response["Content-Type"].startswith("application/problem+json")
        assert json.loads(response.content)["status"] == 429
        # Reads are not counted against the write budget.
        assert api.get("/api/v1/test-echo/").status_code == 200
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        api_settings.reload()
        AnonWriteThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
