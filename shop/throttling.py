"""API rate limits, one policy for every resource. Counters live in the default cache (Redis in
production), so a limit holds across gunicorn workers and pods.

- Anonymous clients, counted per IP address: reads (`anon_read`) are generous, writes
  (`anon_write`) tight, since carts and orders are the targets of abuse. A view may name its own
  budget with `throttle_scope = "orders"`; its anonymous writes then count against
  `anon_orders` instead of `anon_write`, when that rate is configured.
- Token (or session) holders, counted per user: `user`, far higher; never the anonymous ones.

Every rate is in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], from the environment.
"""

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
        own_scope = f"anon_{getattr(view, 'throttle_scope', '')}"
        if own_scope in self.THROTTLE_RATES:
            self.scope = own_scope
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenThrottle(UserRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # anonymous clients have their own budgets above
        return super().get_cache_key(request, view)
