"""django-axes' hooks (settings.AXES_*): who a failed admin login is counted against."""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

# A Django username has at most 150 characters; axes stores at most 255 (a longer one was a 500
# on PostgreSQL). Longer input is no username: cut, it still counts against one client.
USERNAME_MAX_LENGTH = 150


def client_ip(request) -> str | None:
    """The client's address as the API throttles see it (X-Forwarded-For only behind NUM_PROXIES
    trusted proxies), so a lockout is per client even behind an ingress."""
    return BaseThrottle().get_ident(request)


def username(request, credentials: dict | None) -> str:
    """The username tried: from the credentials given to authenticate(), else from the form."""
    tried = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(tried)[:USERNAME_MAX_LENGTH]
