"""The visitor's identity: the session key, which is also the cart's user id.

When sessions live in Redis and Redis is down, Django's cache session store silently reads an
empty session, and SessionMiddleware then deletes the visitor's cookie: the cart would be
orphaned for good. Here that case is SessionUnavailable instead, and the cookie is kept.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.http import HttpRequest
from django_redis.exceptions import ConnectionInterrupted

from shop.errors import ServiceUnavailable
from shop.observability.metrics import DEPENDENCY_ERRORS

SESSION_STORE_ERRORS = (ConnectionInterrupted, redis.ConnectionError, redis.TimeoutError)


class SessionUnavailable(ServiceUnavailable):
    code = "session_unavailable"
    # The session is the key to the visitor's cart, which is what the visitor misses.
    default_message = (
        "The shop cannot recognise your visit right now, so your cart is temporarily unavailable. "
        "Nothing in it is lost; please try again in a moment."
    )


def visitor_id(request: HttpRequest) -> str:
    """The visitor's session key, creating (and saving) a session if there is none yet."""
    key = known_visitor_id(request)
    if key is None:
        try:
            request.session.create()
        except SESSION_STORE_ERRORS as exc:
            DEPENDENCY_ERRORS.labels("redis", "session").inc()
            raise SessionUnavailable() from exc
        key = request.session.session_key
    return key


def known_visitor_id(request: HttpRequest) -> str | None:
    """The session key if the visitor already has a session; never creates one.

    Pages that only read (the cart size in the header) use this, so a first visit sets no
    cookie and writes nothing: a visitor without a session has an empty cart.
    """
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    try:
        # Reading the session loads it, which drops a key that names no stored session (expired,
        # or made up by the client): a cart is only ever keyed by a session the server issued.
        request.session.keys()
        key = request.session.session_key
        if key is None and cookie:
            # Expired, or the session store is unreachable: `exists` raises only for the latter.
            request.session.exists(cookie)
        return key
    except SESSION_STORE_ERRORS as exc:
        # SessionMiddleware deletes the cookie of a session that loaded empty; an unloaded
        # session for the same key it leaves alone.
        request.session = type(request.session)(cookie)
        DEPENDENCY_ERRORS.labels("redis", "session").inc()
        raise SessionUnavailable() from exc
