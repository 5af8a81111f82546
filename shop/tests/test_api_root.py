"""GET /api/v1/: every resource of the committed schema with its absolute link, and the schema's
and the docs' links; each link leads somewhere."""

import pytest
import yaml
from django.conf import settings as django_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

SCHEMA = django_settings.BASE_DIR / "docs" / "openapi.yaml"
PREFIX = "/api/v1/"


def collections_in_schema() -> set[str]:
    """The schema's paths that name no single item (no path parameter), root and docs aside."""
    paths = yaml.safe_load(SCHEMA.read_text())["paths"]
    return {
        path.removeprefix(PREFIX).rstrip("/")
        for path in paths
        if "{" not in path and path not in (PREFIX, f"{PREFIX}schema/")
    }


def root(**extra) -> dict:
    response = APIClient().get(PREFIX, **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_the_root_lists_every_resource_of_the_schema_with_absolute_links(settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["shop.internal"]
    body = root(HTTP_HOST="shop.internal:9000")
    base = f"http://shop.internal:9000{PREFIX}"
    assert set(body["resources"]) == collections_in_schema()
    assert body["resources"] == {path: f"{base}{path}/" for path in body["resources"]}
    assert body["schema"] == f"{base}schema/" and body["docs"] == f"{base}docs/"


def test_the_root_links_follow_site_url_when_set(settings):
    settings.SITE_URL = "https://shop.example.com"
    body = root()
    links = [*body["resources"].values(), body["schema"], body["docs"]]
    assert all(link.startswith(f"https://shop.example.com{PREFIX}") for link in links)


def test_every_link_leads_to_its_resource():
    body = root()
    client = APIClient()
    for link in [*body["resources"].values(), body["schema"], body["docs"]]:
        # 401: staff only; 405: a resource one only posts to (orders are placed, carts made).
        assert client.get(link).status_code in (200, 401, 405), link


def test_other_methods_on_the_root_are_405_problems():
    response = APIClient().post(PREFIX, {})
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
