"""Storefront pages of the cart: translate the form, call the cart client, render or redirect.

Domain errors become their pages (ShopErrorPageMiddleware): bad input 422, unknown product 404,
cart store unreachable 503 — here with Retry-After, since it clears by itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import pluralize
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cart.client import MAX_ADD_QUANTITY, MAX_LINE_QUANTITY, InvalidQuantity, cart_client
from shop.errors import ServiceUnavailable

from .decorators import storefront_form
from .error_pages import shop_error_page
from .pricing import cart_page_priced
from .session import known_visitor_id, visitor_id
from .shells import Fragment, cached_fragment, fragment, render_fragment_page

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
    shoppers_cart = cart_client().get_cart(user_id) if user_id else None
    items = shoppers_cart.items if shoppers_cart else ()

    def build(currency: str) -> Fragment:
        priced = cart_page_priced(shoppers_cart, currency) if items else None
        # A number input, not a 100-option select: rendering options was most of the page's cost.
        context = {"cart": priced, "max_line_quantity": MAX_LINE_QUANTITY, "currency": currency}
        return fragment(
            "storefront/_cart_content.html",
            context,
            page_template="storefront/cart.html",
            currency=currency,
            fill_in=("recommendations",) if priced else (),
            context_keys=tuple(priced.categories) if priced else (),
            product_ids=tuple(priced.product_ids) if priced else (),
            complete=priced is None or priced.shipping is not None,
        )

    # The priced, rendered cart is the same for every cart of the same lines in one currency:
    # cached as a page (storefront.pagecache), so every edit of a product, a rate or the
    # shipping rate shows at once, and a change of the cart is another entry.
    lines = tuple(f"{item.product_id}*{item.quantity}" for item in items)
    cached = cached_fragment(request, ("cart", *lines), build)
    widgets = ("recommendations", "ad") if items else ()
    size = shoppers_cart.size if shoppers_cart else 0
    return render_fragment_page(request, "storefront/cart.html", cached, widgets=widgets, size=size)


def _add(request: HttpRequest) -> HttpResponse:
    quantity = _form_quantity(request, low=1, high=MAX_ADD_QUANTITY)
    product_id = request.POST.get("product_id", "")
    cart_client().add_item(visitor_id(request), product_id, quantity)
    # Shown once, on the cart page the redirect leads to (a signed cookie: no extra write).
    messages.success(request, f"Added to your cart: {quantity} item{pluralize(quantity)}.")
    return _redirect("/cart")


def _change_cart(
    request: HttpRequest, change: Callable[[str], object], *, then: str = "/cart"
) -> HttpResponse:
    """Applies `change` to the visitor's cart; a visitor without a session has no cart to change."""
    user_id = known_visitor_id(request)
    if user_id:
        change(user_id)
    return _redirect(then)


def _redirect(path: str) -> HttpResponse:
    """To one of our paths, as it is: Django's redirect() would first try it as a URL pattern's
    name, and a failed reverse() (an exception raised and caught) was a tenth of an add's CPU."""
    return HttpResponseRedirect(path)


@storefront_form
@require_POST
@cart_view
def update(request: HttpRequest) -> HttpResponse:
    quantity = _form_quantity(request, low=0, high=MAX_LINE_QUANTITY)
    product_id = request.POST.get("product_id", "")
    return _change_cart(
        request, lambda user_id: cart_client().set_quantity(user_id, product_id, quantity)
    )


@storefront_form
@require_POST
@cart_view
def remove(request: HttpRequest) -> HttpResponse:
    product_id = request.POST.get("product_id", "")
    return _change_cart(request, lambda user_id: cart_client().remove_item(user_id, product_id))


@storefront_form
@require_POST
@cart_view
def empty(request: HttpRequest) -> HttpResponse:
    return _change_cart(request, lambda user_id: cart_client().empty_cart(user_id), then="/")
