"""Template tags of the storefront's header, usable on every page (error pages included)."""

import functools
import re

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from storefront.prices import CURRENCY_COOKIE, DEFAULT_CURRENCY, SELECTOR_CURRENCIES
from storefront.shelves import category_title

register = template.Library()

_CODE = re.compile(r"[A-Z]{3}")
# Where a cached page shell gets each visitor's cart link and waiting messages
# (storefront.shells).
CART_LINK_MARKER = SafeString("<!--widget:cart-link-->")
MESSAGES_MARKER = SafeString("<!--widget:messages-->")


# Remembered per size: it goes into every shopper's page view, and sizes are few.
@functools.lru_cache(maxsize=128)
def cart_link_html(cart_size: int | None) -> SafeString:
    """The header's link to the cart, with the number of items (none shown when unknown)."""
    if cart_size is None:
        return SafeString('<a class="cart-link" href="/cart">Cart</a>')
    return format_html(
        '<a class="cart-link" href="/cart">Cart <span class="cart-size" aria-label="{} item{} in'
        ' your cart">{}</span></a>',
        cart_size,
        pluralize(cart_size),
        cart_size,
    )


@register.simple_tag(takes_context=True)
def cart_link(context) -> SafeString:
    """`cart_size` from the page; a shell (`cart_link_marker`) gets the marker instead."""
    if context.get("cart_link_marker"):
        return CART_LINK_MARKER
    return cart_link_html(context.get("cart_size"))


def messages_html(messages) -> SafeString:
    """The messages waiting for the visitor (Django's messages framework), shown once: reading
    them marks them used. Nothing when none waits."""
    if not messages:
        return SafeString("")
    paragraphs = format_html_join(
        "",
        '<p class="message message-{}">{}</p>',
        ((message.level_tag, message) for message in messages),
    )
    return format_html('<div class="messages" role="status">{}</div>', paragraphs)


@register.simple_tag(takes_context=True)
def page_messages(context) -> SafeString:
    """The page's waiting messages; a shell (`cart_link_marker`) gets the marker instead, and
    each view of the shell fills them in (a shopper's cart page after an add has one)."""
    if context.get("cart_link_marker"):
        return MESSAGES_MARKER
    return messages_html(context.get("messages"))


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
