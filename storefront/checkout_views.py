"""Storefront pages of the checkout: placing the order and the customer's order page."""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from cart.client import cart_client
from checkout.client import checkout_client
from shop.dto import CustomerOrder
from shop.errors import ShopError
from shop.pricing import PricedCart

from .decorators import storefront_form
from .forms import CheckoutForm
from .prices import visitor_currency
from .pricing import cart_page_priced
from .session import known_visitor_id, visitor_id
from .shells import render_page

logger = logging.getLogger(__name__)

# Errors the customer can fix in the form are shown on it; others get their error page.
FORM_ERROR_KINDS = {"invalid", "declined"}
FIX_THE_FIELDS = "Please correct the highlighted fields."
# A refusal that names no field is about the card; an expired card about its expiry date. (The
# error's code crosses the gRPC seam, so this holds with a remote payment service too.)
CARD_FIELD = "credit_card_number"
REFUSAL_FIELDS = {"card_expired": "credit_card_expiration_year"}
# A checkout still running (this submission's twin, or another one of the same cart) is shown on
# a page that reloads itself every this many seconds until the order is paid or failed.
REFRESH_SECONDS = 2
PENDING = "pending"
# The order page's access, once its link was followed: one cookie per order, on its path only.
ORDER_COOKIE = "order_access"
ORDER_COOKIE_SALT = "storefront.order-access"
ORDER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


@storefront_form
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, message=FIX_THE_FIELDS)
    try:
        order = checkout_client().place_customer_order(
            user_id=visitor_id(request),
            user_currency=visitor_currency(request),
            address=form.address(),
            email=form.cleaned_data["email"],
            credit_card=form.credit_card(),
        )
    except ShopError as error:
        if error.kind not in FORM_ERROR_KINDS:
            raise  # ShopErrorPageMiddleware renders its page (503, 422 for an empty cart...)
        _show_at_fields(form, error)
        return _form_page(request, form, message=FIX_THE_FIELDS, status=error.spec.page_status)
    if order.status == PENDING:
        # Another submission of this cart is checking it out: its order page, once decided.
        response = _order_page(request, "storefront/checkout/processing.html", order, status=202)
        response["Refresh"] = f"{REFRESH_SECONDS}; url={order.access_path}"
        return response
    return _order_page(request, "storefront/checkout/confirmation.html", order)


def _show_at_fields(form: CheckoutForm, error: ShopError) -> None:
    """Each problem next to the field it is about; one about no field of the form at the top."""
    problems = error.fields
    if not problems and error.kind == "declined":
        problems = {REFUSAL_FIELDS.get(error.code, CARD_FIELD): [error.message]}
    for field, messages in (problems or {None: [error.message]}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def _form_page(
    request: HttpRequest, form: CheckoutForm, *, message: str, status: int = 422
) -> HttpResponse:
    currency = visitor_currency(request)
    context = {"form": form, "message": message, "cart": _summary(request, currency)}
    return render_page(
        request, "storefront/checkout/checkout.html", context, currency=currency, status=status
    )


def _summary(request: HttpRequest, currency: str) -> PricedCart | None:
    """The visitor's cart, priced, for the summary beside the form; the page goes without it
    when the cart is empty or a service it needs is down (the form keeps what was typed)."""
    user_id = known_visitor_id(request)
    try:
        items = cart_client().get_cart(user_id) if user_id else None
        return cart_page_priced(items, currency) if items and items.items else None
    except ShopError as error:
        logger.warning("Order summary left out of the checkout page: %s", error)
        return None


@require_safe
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    """The order page. Its link (confirmation page, e-mail) carries the access token in the query
    once: a valid one is exchanged for a signed cookie scoped to this order's path, and the
    browser is sent on to the clean URL, so the token leaves no trace in proxies' access logs,
    browser history or a Referer. A wrong token, or none, is the 404 of an unknown order."""
    token = request.GET.get("token")
    if token is None:
        token = request.get_signed_cookie(ORDER_COOKIE, default="", salt=ORDER_COOKIE_SALT)
        order = checkout_client().customer_order(str(order_id), token)
        response = _order_page(request, "storefront/checkout/order_detail.html", order)
        if order.status == PENDING:
            response["Refresh"] = str(REFRESH_SECONDS)  # until the checkout has decided
        return response
    checkout_client().customer_order(str(order_id), token)  # NotFound unless the token is right
    response = redirect(request.path)
    response.set_signed_cookie(
        ORDER_COOKIE,
        token,
        salt=ORDER_COOKIE_SALT,
        max_age=ORDER_COOKIE_MAX_AGE,
        path=request.path,
        secure=settings.HTTPS_ONLY,
        httponly=True,
        samesite="Lax",
    )
    return response


def _order_page(
    request: HttpRequest, template: str, order: CustomerOrder, *, status: int = 200
) -> HttpResponse:
    context = {
        "order": order,
        "lines": [
            {"line": line, "unit_price": line.unit_price.format(), "cost": line.cost.format()}
            for line in order.lines
        ],
        "shipping_cost": order.shipping_cost.format(),
        "total": order.total.format(),
        "order_path": order.access_path,
    }
    return render_page(
        request, template, context, currency=visitor_currency(request), status=status
    )
