"""One checkout followed through three processes' logs: the web (gunicorn) charging the card over
gRPC (`grpcserve payments`), and a Celery worker sending the confirmation e-mail. Every line is
one JSON object; the shopper's request id is on the lines of all three; no card number, CVV,
password, token, order access token or SECRET_KEY is in any of them."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from testing.stack import CHECKOUT_FORM, VISA, checkout_stack

pytestmark = pytest.mark.slow

GENERATED = re.compile(r"[0-9a-f]{32}")
PASSWORD = "correct-horse-battery-staple-9"
API_TOKEN = "0123456789abcdef0123456789abcdef01234567"


def _values(data):
    """Every scalar in a parsed JSON line, however deeply nested."""
    if isinstance(data, dict):
        for value in data.values():
            yield from _values(value)
    elif isinstance(data, list):
        for value in data:
            yield from _values(value)
    else:
        yield data


def _parsed(name: str, text: str) -> list[dict]:
    lines = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                parsed = json.loads(line)
            except ValueError:
                pytest.fail(f"{name}.log line {number} is not JSON: {line!r}")
            assert isinstance(parsed, dict), f"{name}.log line {number}: {line!r}"
            lines.append(parsed)
    return lines


def test_one_checkout_one_request_id_in_every_process_and_no_secrets(tmp_path):
    rid = "checkout-" + tmp_path.name[-20:].replace("_", "-")
    with checkout_stack(tmp_path, extra_env={"LOG_FORMAT": "json"}) as stack:
        order_path = stack.checkout(**{"X-Request-ID": rid})
        stack.wait_for_email()
        stack.wait_for_log("worker", "notifications.tasks.email_send SUCCESS")  # the task ended
        token = parse_qs(urlsplit(order_path).query)["token"][0]
        web = stack.web_url
        # The order page with its token, and a wrong one; no id, or a malformed one: generated.
        assert requests.get(web + order_path, timeout=10).status_code == 200
        generated = [
            requests.get(web + order_path.replace(token, token[::-1]), timeout=10),
            requests.get(web + "/", headers={"X-Request-ID": "not ok!"}, timeout=10),
        ]
        # A password and an API token the shop refuses.
        requests.post(
            web + "/admin/login/", {"username": "staff", "password": PASSWORD}, timeout=10
        )
        requests.get(
            web + "/api/v1/carts/x/", headers={"Authorization": f"Token {API_TOKEN}"}, timeout=10
        )
        logs = stack.logs()  # before the processes stop

    parsed = {name: _parsed(name, text) for name, text in logs.items()}
    assert {line["service"] for line in parsed["web"]} == {"web"}
    assert {line["service"] for line in parsed["payments"]} == {"payments"}
    assert {line["service"] for line in parsed["worker"]} == {"worker"}

    def mine(name: str, logger: str) -> list[dict]:
        return [
            line
            for line in parsed[name]
            if line["logger"] == logger and line.get("request_id") == rid
        ]

    (checkout,) = [line for line in mine("web", "shop.http") if line["route"] == "/cart/checkout"]
    assert (checkout["method"], checkout["status"]) == ("POST", 200)
    assert checkout["duration_ms"] > 0
    (charge,) = mine("payments", "shop.grpc")
    assert (charge["rpc"], charge["code"]) == ("/hipstershop.PaymentService/Charge", "OK")
    tasks = {line["task"]: line["outcome"] for line in mine("worker", "shop.task")}
    assert tasks["notifications.tasks.email_send"] == "SUCCESS"

    for response in generated:
        generated_id = response.headers["X-Request-ID"]
        assert GENERATED.fullmatch(generated_id)
        assert [line["request_id"] for line in parsed["web"] if line["logger"] == "shop.http"
                and line.get("request_id") == generated_id] == [generated_id]  # fmt: skip

    everything = "\n".join(logs.values())
    grouped = " ".join(re.findall("....", VISA))
    for secret in (VISA, grouped, grouped.replace(" ", "-"), token, PASSWORD, API_TOKEN,
                   stack.env["SECRET_KEY"]):  # fmt: skip
        assert secret not in everything
    cvv = CHECKOUT_FORM["credit_card_cvv"]
    for lines in parsed.values():
        for line in lines:
            assert cvv not in {str(value) for value in _values(line)}, line
