"""What no request may carry, whatever it is for: control characters and lone surrogates.

PostgreSQL refuses a NUL in any text and a lone surrogate cannot be encoded to UTF-8, so either
one reaching a query was a 500; no other control character has a use in a path, a form field or a
JSON string of this shop. Tab, line feed and carriage return stay allowed in values (a textarea
sends them), never in a path. Other Unicode (right-to-left marks, non-ASCII digits) is text: the
field that needs ASCII (a card number, a currency code) checks that itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import BadRequest

_IN_VALUES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_IN_PATHS = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")

PATH_MESSAGE = "The address of this request contains a control character."
QUERY_MESSAGE = "A parameter of this request contains a control character."
FORM_MESSAGE = "A field of this form contains a control character. Please retype it."
HEADER_MESSAGE = "A header of this request contains a control character."
JSON_MESSAGE = "A string of this JSON body contains a control character or a lone surrogate."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class UnsafeInput(BadRequest):
    """A 400: the message says which part of the request was refused (safe to show)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def unsafe_text(text: str) -> bool:
    return _IN_VALUES.search(text) is not None


def unsafe_path(path: str) -> bool:
    return _IN_PATHS.search(path) is not None


def unsafe_pairs(pairs: Iterable[tuple[str, str]]) -> bool:
    return any(unsafe_text(key) or unsafe_text(value) for key, value in pairs)


def _items(query_dict) -> Iterable[tuple[str, str]]:
    return ((key, value) for key, values in query_dict.lists() for value in values)


def _unsafe_joined(texts: Iterable[str]) -> bool:
    """`unsafe_text` of any of `texts`, in one regex pass: every request runs this over its
    headers, and one search of the joined text costs less than a search per name and value.
    Joined by a line feed, which _IN_VALUES allows, so no match spans two texts."""
    return _IN_VALUES.search("\n".join(texts)) is not None


def request_problem(request) -> str | None:
    """Why the request's path, query string, headers or form fields are refused, or None.

    The form is read only for the two form encodings, so a JSON body is left for its parser
    (shop.parsers checks its strings)."""
    if unsafe_path(request.path_info):
        return PATH_MESSAGE
    query = request.GET
    if query and unsafe_pairs(_items(query)):
        return QUERY_MESSAGE
    # Cookies are not refused but dropped (shop.middleware), so a browser holding one recovers.
    headers = [
        f"{name}\n{value}"
        for name, value in request.META.items()
        if name.startswith("HTTP_") and name != "HTTP_COOKIE"
    ]
    if _unsafe_joined(headers):
        return HEADER_MESSAGE
    form = request.method == "POST" and request.content_type in FORM_TYPES
    if form and unsafe_pairs(_items(request.POST)):
        return FORM_MESSAGE
    return None
