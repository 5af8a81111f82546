"""The visitor's identity for the cart: the session key.

The same two functions as the storefront's shop.session (visitor_id / known_visitor_id), plus
what the cart needs on top: when sessions live in Redis and Redis is down, Django's cache session
store silently reads an empty session, which would show a returning visitor an empty cart (and
hand out a fresh session, orphaning the real cart). Here that case is CartUnavailable instead.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.http import HttpRequest
from django_redis.exceptions import ConnectionInterrupted

from .stores import CartUnavailable

SESSION_STORE_ERRORS = (ConnectionInterrupted, redis.ConnectionError, redis.TimeoutError)


def known_visitor_id(request: HttpRequest) -> str | None:
    """The session key if the visitor has a session; never creates one."""
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    try:
        # Loading the session drops a key that names no stored session (expired, made up).
        request.session.keys()
        key = request.session.session_key
        if key is None and cookie:
            # Expired, or the session store is unreachable: `exists` raises only for the latter.
            request.session.exists(cookie)
        return key
    except SESSION_STORE_ERRORS as exc:
        # SessionMiddleware deletes the cookie of a session that loaded empty, which would
        # orphan the cart for good; an unloaded session for the same key it leaves alone.
        request.session = type(request.session)(cookie)
        raise CartUnavailable() from exc


def visitor_id(request: HttpRequest) -> str:
    """The session key, creating (and saving) a session if there is none yet."""
    key = known_visitor_id(request)
    if key is None:
        try:
            request.session.create()
        except SESSION_STORE_ERRORS as exc:
            raise CartUnavailable() from exc
        key = request.session.session_key
    return key
