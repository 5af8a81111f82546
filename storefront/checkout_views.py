"""Storefront pages of the checkout: placing the order and the customer's order page."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST, require_safe

from checkout.client import checkout_client
from shop.dto import CustomerOrder
from shop.errors import ShopError

from .decorators import storefront_form
from .forms import CheckoutForm
from .prices import visitor_currency
from .session import visitor_id
from .views import render_page

# Errors the customer can fix in the form are shown on it; others get their error page.
FORM_ERROR_KINDS = {"invalid", "declined"}


@storefront_form
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, message="Please correct the highlighted fields.")
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
        for field, problems in error.fields.items():
            if field in form.fields:
                for problem in problems:
                    form.add_error(field, problem)
        return _form_page(request, form, message=error.message, status=error.spec.page_status)
    return _order_page(request, "storefront/checkout/confirmation.html", order)


def _form_page(
    request: HttpRequest, form: CheckoutForm, *, message: str, status: int = 422
) -> HttpResponse:
    context = {"form": form, "message": message}
    currency = visitor_currency(request)
    return render_page(
        request, "storefront/checkout/checkout.html", context, currency=currency, status=status
    )


@require_safe
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    order = checkout_client().customer_order(str(order_id), request.GET.get("token", ""))
    return _order_page(request, "storefront/checkout/order_detail.html", order)


def _order_page(request: HttpRequest, template: str, order: CustomerOrder) -> HttpResponse:
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
    return render_page(request, template, context, currency=visitor_currency(request))
