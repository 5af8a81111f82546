"""One rule for absolute links (shop/links.py): SITE_URL when set, else the request's address,
else 127.0.0.1 on the port the shop was started on; `make run` passes that port on."""

import json
import os
import subprocess
import sys

from django.conf import settings as django_settings
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from shop import links

FACTORY = APIRequestFactory()


def request_to(url: str):
    return FACTORY.get(url, SERVER_NAME="shop.internal", SERVER_PORT="9000")


def test_site_url_wins_then_the_request_then_the_port(settings):
    settings.ALLOWED_HOSTS = ["shop.internal"]
    request = request_to("/api/v1/")
    settings.SITE_URL, settings.PORT = "https://shop.example.com/", 9123
    assert links.absolute_url("/order/1?token=t", request) == (
        "https://shop.example.com/order/1?token=t"
    )
    settings.SITE_URL = ""
    assert links.absolute_url("/order/1?token=t", request) == (
        "http://shop.internal:9000/order/1?token=t"
    )
    assert links.absolute_url("/order/1?token=t") == "http://127.0.0.1:9123/order/1?token=t"


def test_request_urls_move_onto_site_url_but_other_hosts_stay(settings):
    settings.ALLOWED_HOSTS = ["shop.internal"]
    settings.SITE_URL = "https://shop.example.com"
    request = request_to("/api/v1/products/?page=2")
    assert links.request_url(request) == "https://shop.example.com/api/v1/products/?page=2"
    assert links.request_url(request, "/static/a.svg") == "https://shop.example.com/static/a.svg"
    cdn = "https://cdn.example.net/a.svg"
    assert links.request_url(request, cdn) == cdn


def test_page_links_follow_site_url(settings):
    settings.ALLOWED_HOSTS = ["shop.internal"]
    settings.SITE_URL = "https://shop.example.com"
    paginator = links.SitePagination()
    paginator.page_size = 2
    request = Request(request_to("/api/v1/orders/?page=2"))
    paginator.paginate_queryset(list(range(6)), request)
    assert paginator.get_next_link() == "https://shop.example.com/api/v1/orders/?page=3"
    assert paginator.get_previous_link() == "https://shop.example.com/api/v1/orders/"


def probe(**env: str) -> dict:
    """SITE_URL and PORT as a fresh process reads them from its environment."""
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.SITE_URL, settings.PORT]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean | {"DJANGO_SETTINGS_MODULE": "shop.settings", "ENV_FILE": os.devnull} | env,
        capture_output=True, text=True, timeout=60, cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_site_url_is_unset_by_default_and_port_comes_from_the_environment():
    assert probe() == ["", 8080]
    assert probe(PORT="9123", SITE_URL="https://shop.example.com") == [
        "https://shop.example.com",
        9123,
    ]


def test_make_run_passes_its_port_to_the_shop():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=9123"],
        capture_output=True, text=True, timeout=60, cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (serve,) = [line for line in result.stdout.splitlines() if "gunicorn" in line]
    assert serve.startswith("PORT=9123 ") and "--bind 127.0.0.1:9123" in serve
