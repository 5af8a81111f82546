"""API rate limits. Counters live in the default cache (Redis in production), so a limit holds
across gunicorn workers and pods. Anonymous reads are generous, anonymous writes tight (carts
and orders are the targets of abuse), token holders get a higher budget."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class AnonReadThrottle(AnonRateThrottle):
    scope = "anon_read"

    def allow_request(self, request, view) -> bool:
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class AnonWriteThrottle(AnonRateThrottle):
    scope = "anon_write"

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class TokenThrottle(UserRateThrottle):
    scope = "user"
