"""Liveness: the process answers HTTP. It touches no dependency, so an outage of the database or
Redis never gets a healthy web process restarted."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
