"""The admin login locks a username out from a client after AXES_FAILURE_LIMIT wrong passwords
(django-axes, issue 13.7): the right password then fails too, until the cool-off or axes_reset."""

import io

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(db):
    return User.objects.create_user("ada", password=PASSWORD, is_staff=True, is_superuser=True)


def log_in(client: Client, password: str, *, ip: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": "ada", "password": password}, REMOTE_ADDR=ip)


def test_the_right_password_after_the_failure_limit_is_refused_with_the_lockout_page(staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200  # the form again, with its error
    assert log_in(client, "wrong").status_code == 429
    locked = log_in(client, PASSWORD)
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still to the login page


def test_axes_reset_unlocks(staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong")
    call_command("axes_reset", stdout=io.StringIO())
    assert log_in(client, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_another_client_is_not_locked_out_by_someone_elses_failures(staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), "wrong", ip="198.51.100.1")
    assert log_in(Client(), PASSWORD, ip="203.0.113.7").status_code == 302


def test_failures_below_the_limit_do_not_lock(staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302


def test_a_username_longer_than_any_is_refused_not_a_500(staff):
    response = Client().post(LOGIN, {"username": "x" * 100_000, "password": "wrong"})
    assert response.status_code == 200
