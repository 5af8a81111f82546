"""API clients for the tests: a DRF client authenticated with a fresh user's token."""

from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def token_client(name: str | None = None, *, is_staff: bool) -> APIClient:
    name = name or ("staff" if is_staff else "integrator")
    user = get_user_model().objects.create_user(name, is_staff=is_staff)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
