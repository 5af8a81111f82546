"""Storefront pages that belong to no single service, and the error pages."""

import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shop.errors import ShopError
from shop.input_checks import UnsafeInput
from shop.outages import outage, problem, retry_after


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Disallow: /cart", "Disallow: /admin/", "Disallow: /api/", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


def error_page(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    context = {"status": status, "title": title, "message": message}
    return render(request, "storefront/error.html", context, status=status)


def shop_error_page(request: HttpRequest, error: ShopError) -> HttpResponse:
    return error_page(
        request, status=error.spec.page_status, title=error.spec.title, message=error.message
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request,
        status=404,
        title="Page not found",
        message="We could not find that page. It may have moved, or the product is gone.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's last resort for an error no view handled. An outage met outside a view (a
    middleware saving the session to a database that is down) is still a 503, not a 500."""
    error = sys.exc_info()[1]  # Django calls this while handling the exception
    unavailable = outage(error) if error is not None else None
    if unavailable is not None:
        if request.path.startswith("/api/"):
            return problem(unavailable)
        return retry_after(shop_error_page(request, unavailable))
    return error_page(
        request,
        status=500,
        title="Something went wrong",
        message="Sorry, something went wrong on our side. Please try again in a moment.",
    )


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    # The kernel's refusals say what was wrong; Django's own (a bad Host...) are not shown.
    message = getattr(exception, "message", None) if isinstance(exception, UnsafeInput) else None
    return error_page(
        request, status=400, title="Bad request", message=message or "That request is not valid."
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(
        request, status=403, title="Forbidden", message="You are not allowed to do that."
    )
