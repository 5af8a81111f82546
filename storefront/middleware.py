"""A domain error escaping a storefront view becomes the page its kind calls for."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from shop.errors import ShopError

from .error_pages import shop_error_page


class ShopErrorPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, ShopError):
            return shop_error_page(request, exception)
        return None
