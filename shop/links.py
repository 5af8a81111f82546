"""Absolute links to the shop, for e-mails and API answers: one rule for where they point.

1. `SITE_URL`, when set: the public origin (behind an ingress the request's own host may be an
   internal one, and a customer must be able to follow the link).
2. Else the address the request came to: an integrator calling the API on port 9000 gets links
   to port 9000.
3. Else (a worker sending an e-mail has no request) the address the shop was started on:
   `make run` binds 127.0.0.1:$PORT and passes PORT on.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from rest_framework.pagination import CursorPagination, PageNumberPagination


def site_url(request: HttpRequest | None = None) -> str:
    """The origin links start with, without a trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return f"http://127.0.0.1:{settings.PORT}"


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """`path` (absolute, with its query, as `reverse()` or `get_full_path()` give it) on the
    shop's origin."""
    return site_url(request) + path


def request_url(request: HttpRequest, location: str | None = None) -> str:
    """What `request.build_absolute_uri(location)` gives, on the shop's origin; a location on
    another host (object storage, a CDN) stays as it is."""
    built = request.build_absolute_uri(location)
    if location and urlsplit(location).netloc:
        return built
    return _on_site(built, request)


def _on_site(url: str, request: HttpRequest) -> str:
    parts = urlsplit(url)
    return absolute_url(urlunsplit(("", "", parts.path, parts.query, "")), request)


class SiteLinks:
    """DRF's page links (`next`, `previous`) by the same rule as every other link."""

    def get_next_link(self) -> str | None:
        link = super().get_next_link()
        return link and _on_site(link, self.request)

    def get_previous_link(self) -> str | None:
        link = super().get_previous_link()
        return link and _on_site(link, self.request)


class SitePagination(SiteLinks, PageNumberPagination):
    """Numbered pages (`?page=`), the API's default."""


class SiteCursorPagination(SiteLinks, CursorPagination):
    """Pages that follow an opaque `?cursor=`: each costs the same however deep, and rows
    inserted meanwhile are neither repeated nor skipped (long lists, e.g. the orders)."""
