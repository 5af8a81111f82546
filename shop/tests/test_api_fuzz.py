"""A property-based fuzz of the whole REST API (schemathesis): every operation of the committed
schema, with generated valid and invalid inputs, through the real WSGI app, as a staff token
holder (so the token operations run too) and with throttling relaxed. No answer may be a 5xx,
and every answer must match the schema: its status, content type, headers and body."""

import io

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import checks

SCHEMA = schemathesis.openapi.from_path(django_settings.BASE_DIR / "docs" / "openapi.yaml")
APP = get_wsgi_application()
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
# Bounded so the whole fuzz stays well under a minute in `make test`.
EXAMPLES_PER_OPERATION = 40
EXAMPLES_ON_POSTGRES = 25


@pytest.fixture
def staff_token(db, monkeypatch):
    rates = {scope: "1000000/minute" for scope in SimpleRateThrottle.THROTTLE_RATES}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    call_command("load_demo", stdout=io.StringIO())
    cache.clear()
    user = User.objects.create_user("fuzz", is_staff=True)
    return Token.objects.create(user=user).key


@pytest.fixture
def connection_kept():
    """The WSGI app closes the database connection around each request (Django's signals), which
    on PostgreSQL would close the test's transaction under it; Django's test client keeps it open
    the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _call_and_validate(case, staff_token: str) -> None:
    case.call_and_validate(
        app=APP, headers={"Authorization": f"Token {staff_token}"}, checks=CHECKS
    )


@pytest.mark.slow
@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_within_its_schema(case, staff_token):
    _call_and_validate(case, staff_token)


# Once more on PostgreSQL, which refuses what SQLite stores (a NUL in text, an amount past a
# column's precision): the second pass of `make test`.
@pytest.mark.postgres
@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES_ON_POSTGRES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_within_its_schema_on_postgresql(
    case, connection_kept, staff_token
):
    _call_and_validate(case, staff_token)
