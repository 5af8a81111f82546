"""Cross-origin protection, the Content-Security-Policy header, and the refusal of requests that
carry control characters (shop.input_checks)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from shop.api import body_too_large, plain_problem_response
from shop.input_checks import UnsafeInput, request_problem, unsafe_text

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def is_cross_origin(request: HttpRequest) -> bool:
    """Go 1.25's http.CrossOriginProtection rule.

    Browsers send Sec-Fetch-Site: a request that is not same-origin (or user-initiated, "none")
    is cross-origin. Without it, an Origin header that does not match the Host is cross-origin.
    A request with neither comes from a non-browser client (curl, the load generator) or a very
    old browser, and is allowed: it cannot carry a victim's cookies across sites.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return urlsplit(origin).netloc != request.get_host()


class CrossOriginProtectionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs):
        if request.method in SAFE_METHODS or not is_cross_origin(request):
            # Token CSRF still guards what asks for it (the admin's views are csrf_protect-ed).
            return None
        return HttpResponseForbidden(
            "Cross-origin form posts are refused. Please submit the form from the shop's own pages."
        )


# Swagger UI (served from our own static files) styles its widgets with inline styles.
API_DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


def with_media_origin(policy: str, origin: str) -> str:
    """Pictures stored elsewhere (an S3-compatible bucket, settings.MEDIA_ORIGIN) may be shown."""
    if not origin:
        return policy
    return policy.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        origin = settings.MEDIA_ORIGIN
        self.policy = with_media_origin(CONTENT_SECURITY_POLICY, origin)
        self.api_docs_policy = with_media_origin(API_DOCS_CONTENT_SECURITY_POLICY, origin)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        docs = request.path.startswith("/api/v1/docs/")
        policy = self.api_docs_policy if docs else self.policy
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


API_PREFIX = "/api/"


class UnsafeInputMiddleware:
    """A request with a control character in its path, query, headers or form is a 400 before
    any view sees it: problem+json under /api/, else the 400 page (handler400) with the reason.
    A cookie with one is dropped instead, so a browser holding it is not refused forever."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, value in list(request.COOKIES.items()):
            if unsafe_text(name) or unsafe_text(value):
                del request.COOKIES[name]
        api = request.path_info.startswith(API_PREFIX)
        try:
            problem = request_problem(request)
        except RequestDataTooBig:
            if not api:
                raise  # Django's own 400 page
            too_large = body_too_large()
            return plain_problem_response(
                status_code=too_large.status_code,
                title="Content Too Large",
                detail=str(too_large.detail),
                code=too_large.default_code,
            )
        if problem is None:
            return self.get_response(request)
        if not api:
            raise UnsafeInput(problem)
        return plain_problem_response(
            status_code=400, title="Bad Request", detail=problem, code="control_character"
        )
