"""`{% checkout_form %}`: the one checkout form, for the cart page and the checkout's 422 page.

A tag rather than a context value, so the cart app renders the form without importing checkout.
"""

import functools

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from storefront.forms import CheckoutForm

register = template.Library()
TEMPLATE = "storefront/checkout/_form.html"


@register.simple_tag
def checkout_form(form: CheckoutForm | None = None) -> SafeString:
    """The given (bound, refilled) form, or an empty one."""
    if form is not None:
        return render_to_string(TEMPLATE, {"form": form})
    return empty_form(timezone.now().year)


@functools.lru_cache(maxsize=2)
def empty_form(this_year: int) -> SafeString:
    """The empty form is the same for every visitor until the years offered change with the
    calendar: rendered once per process. Its widgets through Django's template renderer were a
    third of the cart page's time."""
    return render_to_string(TEMPLATE, {"form": CheckoutForm(initial=CheckoutForm.initial_values())})
