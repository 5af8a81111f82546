"""gunicorn's logger, for `logger_class` in gunicorn.conf.py."""

from __future__ import annotations

from gunicorn.glogging import Logger


class WithoutAccessLog(Logger):
    """gunicorn's logger with its access log left out altogether.

    The shop keeps no access log: query strings carry order access tokens, and the shop's own
    middleware logs each request by its route (docs/observability.md). settings.LOGGING sends
    the `gunicorn.access` logger nowhere, but gunicorn's Logger still formats every response's
    access-log fields (a dict of some 30 atoms per request) whenever a logging configuration is
    given, as ours is: that was ~8 % of a storefront page's CPU in a worker (py-spy,
    docs/decisions.md, "Pages: work every request paid for nothing")."""

    def access(self, resp, req, environ, request_time) -> None:
        return None
