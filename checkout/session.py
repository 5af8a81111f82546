"""The storefront visitor's user id: their session key (the cart's owner).

Minimal stand-in until the storefront's shop.session.visitor_id(request) is merged; both must
name the same visitor, so the lead points the checkout views at that one.
"""

from django.http import HttpRequest


def visitor_id(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key
