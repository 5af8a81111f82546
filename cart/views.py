"""Storefront pages of the cart: translate the form, call the cart client, render or redirect.

Domain errors become their pages (ShopErrorPageMiddleware): bad input 422, unknown product 404,
cart store unreachable 503 — here with Retry-After, since it clears by itself.
"""

from __future__ import annotations

import re
from datetime import date
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from currency.client import currency_client
from shop.decorators import storefront_form
from shop.errors import ServiceUnavailable
from shop.views import shop_error_page

from .client import cart_client
from .pricing import cart_priced
from .services import MAX_ADD_QUANTITY, MAX_LINE_QUANTITY, InvalidQuantity
from .visitor import known_visitor_id, visitor_id

CURRENCY_COOKIE = "shop_currency"
DEFAULT_CURRENCY = "USD"
RETRY_AFTER_SECONDS = 5
_WHOLE_NUMBER = re.compile(r"^\s*\d{1,9}\s*$")


def _unavailable_is_503(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ServiceUnavailable as error:
            response = shop_error_page(request, error)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response

    return wrapper


def cart_view(view):
    """Every cart page: never cached (it is the visitor's own), outages are a 503 page."""
    return never_cache(_unavailable_is_503(view))


def visitor_currency(request: HttpRequest) -> str:
    code = request.COOKIES.get(CURRENCY_COOKIE, DEFAULT_CURRENCY)
    if code != DEFAULT_CURRENCY and code not in currency_client().supported_currencies():
        return DEFAULT_CURRENCY
    return code


def _form_quantity(request: HttpRequest, *, low: int, high: int) -> int:
    raw = request.POST.get("quantity", "")
    if not _WHOLE_NUMBER.match(raw):
        raise InvalidQuantity(f"The quantity must be a whole number from {low} to {high}.")
    return int(raw)


@storefront_form
@require_http_methods(["GET", "HEAD", "POST"])
@cart_view
def cart(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _add(request)
    user_id = known_visitor_id(request)
    items = cart_client().get_cart(user_id) if user_id else None
    currency = visitor_currency(request)
    priced = cart_priced(items, currency) if items and items.items else None
    this_year = date.today().year
    context = {
        "cart": priced,
        "cart_size": priced.size if priced else 0,
        "currency": currency,
        "line_quantities": range(0, MAX_LINE_QUANTITY + 1),
        "months": range(1, 13),
        "years": range(this_year, this_year + 5),
    }
    return render(request, "cart/cart.html", context)


def _add(request: HttpRequest) -> HttpResponse:
    quantity = _form_quantity(request, low=1, high=MAX_ADD_QUANTITY)
    product_id = request.POST.get("product_id", "")
    cart_client().add_item(visitor_id(request), product_id, quantity)
    return redirect("/cart")


@storefront_form
@require_POST
@cart_view
def update(request: HttpRequest) -> HttpResponse:
    quantity = _form_quantity(request, low=0, high=MAX_LINE_QUANTITY)
    user_id = known_visitor_id(request)
    if user_id:
        cart_client().set_quantity(user_id, request.POST.get("product_id", ""), quantity)
    return redirect("/cart")


@storefront_form
@require_POST
@cart_view
def remove(request: HttpRequest) -> HttpResponse:
    user_id = known_visitor_id(request)
    if user_id:
        cart_client().remove_item(user_id, request.POST.get("product_id", ""))
    return redirect("/cart")


@storefront_form
@require_POST
@cart_view
def empty(request: HttpRequest) -> HttpResponse:
    user_id = known_visitor_id(request)
    if user_id:
        cart_client().empty_cart(user_id)
    return redirect("/")
