"""Django's message storage (a signed cookie first, the session for what does not fit), with the
cookie's signer built only when a request reads or writes a messages cookie.

Django's CookieStorage builds its signer (an import by dotted path and a key derivation) as the
MessageMiddleware attaches storage to every request, page views and API calls alike, though
messages follow only a few form posts: a profile of a shopper's page counted it among the
larger per-request costs of the middleware (docs/decisions.md, "Shopper pages: per-request work
done once"). Behaviour is Django's own; only when the signer is made changes.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.messages.storage import cookie, fallback, session
from django.contrib.messages.storage.base import BaseStorage
from django.core import signing


class CookieStorage(cookie.CookieStorage):
    def __init__(self, *args, **kwargs):
        # CookieStorage.__init__ is BaseStorage's plus the signer, which `signer` below makes
        # on first use (a test holds this to Django's attributes).
        BaseStorage.__init__(self, *args, **kwargs)

    @cached_property
    def signer(self) -> signing.Signer:
        return signing.get_cookie_signer(salt=self.key_salt)


class FallbackStorage(fallback.FallbackStorage):
    storage_classes = (CookieStorage, session.SessionStorage)
