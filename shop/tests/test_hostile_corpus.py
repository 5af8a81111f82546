"""Issue 13.6 on PostgreSQL (which refuses a NUL where SQLite stores it): a corpus of hostile
values fed to every storefront form and page parameter and to every operation of the committed
API schema (docs/openapi.yaml), one field at a time; no answer may be a 5xx.

The storefront's routes are walked from its URL conf, so a new page without corpus coverage fails
test_every_storefront_route_is_in_the_corpus."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from storefront import urls as storefront_urls
from testing.fixtures import FORM

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

DEEP = 5_000
TEXT = {
    "nul": "a\x00b",
    "c0-controls": "\x01\x02\x1b[31m\x7f",
    "lone-surrogate": "a\ud800b",
    "rtl-override": "\u202egnp.exe",
    "arabic-indic-digits": "٤١١١١١١١١١١١١١١١",
    "superscript-digits": "²³¹",
    "huge": "x" * 100_000,
    "empty": "",
    "blank": "   ",
    "sql": "' OR 1=1; --",
    "markup": "<script>alert(1)</script>",
    "traversal": "../../etc/passwd",
    "percent-nul": "%00",
    "negative": "-1",
    "huge-number": "9" * 400,
    "emoji": "🛒" * 50,
}
# JSON adds the wrong types, and a value nested far deeper than any parser should follow.
WRONG_TYPES = {"null": None, "zero": 0, "big-int": 10**100, "float": 1.5, "true": True,
               "list": [], "object": {}, "deep": "<deep>"}  # fmt: skip
JSON_VALUES = TEXT | WRONG_TYPES
METHODS = ("get", "post", "put", "patch", "delete")
SCHEMA = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "openapi.yaml").read_text())


def encoded(text: str) -> str:
    """As a browser sends it: UTF-8, percent-encoded (a lone surrogate as its three bytes)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def form_body(fields: dict[str, str]) -> str:
    return "&".join(f"{encoded(name)}={encoded(value)}" for name, value in fields.items())


def json_body(value: object) -> str:
    text = json.dumps(value)
    return text.replace('"<deep>"', "[" * DEEP + "]" * DEEP)


def header_value(text: str) -> str:
    """As a WSGI server hands a header over: its bytes read as Latin-1."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.fixture
def unthrottled(monkeypatch):
    rates = {scope: "1000000/minute" for scope in SimpleRateThrottle.THROTTLE_RATES}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


# --- the API, walked from its schema ---------------------------------------------------------


def _operations():
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def _leaves(value, at=()):
    """The paths to every scalar of an example body."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _leaves(inner, (*at, index))
    else:
        yield at


def _replaced(body, at, value):
    body = copy.deepcopy(body)
    target = body
    for key in at[:-1]:
        target = target[key]
    target[at[-1]] = value
    return body


def _example_body(operation) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    return next(iter(content["examples"].values()))["value"]


@pytest.fixture
def api(catalog, unthrottled):
    user = User.objects.create_user("corpus", is_staff=True)
    token = Token.objects.create(user=user).key
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")


@pytest.mark.parametrize(
    "method,path,operation",
    list(_operations()),
    ids=[f"{method.upper()} {path}" for method, path, _ in _operations()],
)
def test_every_api_operation_refuses_hostile_values_without_a_5xx(api, method, path, operation):
    cart_id = api.post("/api/v1/carts/").json()["id"]
    defaults = {"cart_id": cart_id, "product_id": "OLJCESPC7Z", "order_id": str(uuid.uuid4()),
                "id": str(uuid.uuid4()), "tracking_id": "TRK-1"}  # fmt: skip
    parameters = operation.get("parameters", [])
    body = _example_body(operation)

    def call(*, path_values=None, query="", headers=None, data=None):
        url = path.format(
            **{name: encoded(v) for name, v in (defaults | (path_values or {})).items()}
        )
        extra = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())} | (headers or {})
        if data is None and body is not None:
            data = json_body(body)
        content = {"data": data, "content_type": "application/json"} if data is not None else {}
        url += f"?{query}" if query else ""
        return getattr(api, method)(url, **content, **extra)

    for name, value in TEXT.items():
        for parameter in parameters:
            where, param = parameter["in"], parameter["name"]
            if where == "path":
                response = call(path_values={param: value})
            elif where == "query":
                response = call(query=f"{param}={encoded(value)}")
            else:
                header = "HTTP_" + param.upper().replace("-", "_")
                response = call(headers={header: header_value(value)})
            assert_no_server_error(response, f"{where} {param} = {name}")
    if body is None:
        return
    for name, value in JSON_VALUES.items():
        assert_no_server_error(call(data=json_body(value)), f"body = {name}")
        for leaf in _leaves(body):
            response = call(data=json_body(_replaced(body, leaf, value)))
            assert_no_server_error(response, f"body {'.'.join(map(str, leaf))} = {name}")


# --- the storefront, walked from its URL conf -------------------------------------------------

ORDER_ID = str(uuid.uuid4())
# route -> (method, the URL with {value} where a path segment takes the corpus, form defaults)
STOREFRONT: dict[str, tuple[str, str, dict[str, str]]] = {
    "": ("get", "/", {"page": "1"}),
    "product/<str:product_id>": ("get", "/product/{value}", {}),
    "category/<slug:slug>": ("get", "/category/{value}", {"page": "1"}),
    "search": ("get", "/search", {"q": "mug", "page": "1"}),
    "setCurrency": ("post", "/setCurrency", {"currency_code": "EUR"}),
    "logout": ("post", "/logout", {}),
    "robots.txt": ("get", "/robots.txt", {}),
    "cart": ("post", "/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"}),
    "cart/update": ("post", "/cart/update", {"product_id": "OLJCESPC7Z", "quantity": "2"}),
    "cart/remove": ("post", "/cart/remove", {"product_id": "OLJCESPC7Z"}),
    "cart/empty": ("post", "/cart/empty", {}),
    "cart/checkout": ("post", "/cart/checkout", FORM),
    "order/<uuid:order_id>": ("get", f"/order/{ORDER_ID}", {"token": "abc"}),
    "ads/<int:ad_id>/click": ("get", "/ads/{value}/click", {}),
    r"^static/img/products/(?P<name>[A-Za-z0-9_-]{1,100})\.(?:jpe?g|png|gif|webp|svg)$": (
        "get",
        "/static/img/products/{value}.png",
        {},
    ),
}
OTHER_FORMS = [("post", "/admin/login/", {"username": "staff", "password": "secret"})]


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_every_storefront_route_is_in_the_corpus():
    assert set(_routes(storefront_urls.urlpatterns)) == set(STOREFRONT)


@pytest.fixture
def shopper(catalog, unthrottled):
    client = Client(raise_request_exception=False)
    client.post("/cart", {"product_id": "OLJCESPC7Z", "quantity": "1"})
    return client


def _send(client, method: str, url: str, fields: dict[str, str]):
    if method == "get":
        query = form_body(fields)
        return client.get(url + (f"?{query}" if query else ""))
    body = form_body(fields)
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize(
    "method,url,defaults",
    [*STOREFRONT.values(), *OTHER_FORMS],
    ids=[*STOREFRONT, *(url for _, url, _ in OTHER_FORMS)],
)
def test_every_storefront_form_and_page_refuses_hostile_values_without_a_5xx(
    shopper, method, url, defaults
):
    for name, value in TEXT.items():
        if "{value}" in url:
            response = _send(shopper, method, url.format(value=encoded(value)), defaults)
            assert_no_server_error(response, f"{url} path = {name}")
        for field in defaults:
            fields = defaults | {field: value}
            response = _send(shopper, method, url.format(value="1"), fields)
            assert_no_server_error(response, f"{url} {field} = {name}")
        extra = {"x-extra\x00": value} if name == "nul" else {"unexpected": value}
        response = _send(shopper, method, url.format(value="1"), defaults | extra)
        assert_no_server_error(response, f"{url} unexpected field = {name}")


def test_hostile_cookies_are_ignored_without_a_5xx(shopper):
    for name, value in TEXT.items():
        for cookie in ("sessionid", "shop_currency", "order_access", "csrftoken"):
            shopper.cookies[cookie] = header_value(value)
            for url in ("/", "/cart", f"/order/{ORDER_ID}"):
                assert_no_server_error(shopper.get(url), f"{url} cookie {cookie} = {name}")
