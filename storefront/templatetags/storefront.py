"""Template tags of the storefront's header, usable on every page (error pages included)."""

import re

from django import template

from storefront.prices import CURRENCY_COOKIE, DEFAULT_CURRENCY, SELECTOR_CURRENCIES
from storefront.shelves import category_title

register = template.Library()

_CODE = re.compile(r"[A-Z]{3}")


@register.inclusion_tag("storefront/_currency_form.html", takes_context=True)
def currency_selector(context) -> dict:
    """The currency form. It calls no service: the current code comes from the page (checked
    against the rate table by the view) or, on pages that have none, from the cookie."""
    current = context.get("currency")
    if current is None:
        request = context.get("request")
        cookie = request.COOKIES.get(CURRENCY_COOKIE, "") if request else ""
        current = cookie if _CODE.fullmatch(cookie) else DEFAULT_CURRENCY
    choices = list(SELECTOR_CURRENCIES)
    if current not in choices:
        # Chosen outside the selector (any code of the rate table is accepted): show the truth.
        choices.append(current)
    return {"choices": choices, "current": current}


register.filter("category_title", category_title)
