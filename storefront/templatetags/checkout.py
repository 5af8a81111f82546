"""`{% checkout_form %}`: the one checkout form, for the cart page and the checkout's 422 page.

A tag rather than a context value, so the cart app renders the form without importing checkout.
"""

from django import template

from storefront.forms import CheckoutForm

register = template.Library()


@register.inclusion_tag("storefront/checkout/_form.html")
def checkout_form(form: CheckoutForm | None = None) -> dict:
    """The given (bound, refilled) form, or an empty one."""
    return {"form": form or CheckoutForm(initial=CheckoutForm.initial_values())}
