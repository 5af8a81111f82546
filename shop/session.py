"""The visitor's identity: the session key, which is also the cart's user id."""

from __future__ import annotations

from django.http import HttpRequest


def visitor_id(request: HttpRequest) -> str:
    """The visitor's session key, creating (and saving) a session if there is none yet."""
    key = known_visitor_id(request)
    if key is None:
        request.session.create()
        key = request.session.session_key
    return key


def known_visitor_id(request: HttpRequest) -> str | None:
    """The session key if the visitor already has a session; never creates one.

    Pages that only read (the cart size in the header) use this, so a first visit sets no
    cookie and writes nothing: a visitor without a session has an empty cart.
    """
    # Reading the session loads it, which drops a key that names no stored session (expired,
    # or made up by the client): a cart is only ever keyed by a session the server issued.
    request.session.keys()
    return request.session.session_key
