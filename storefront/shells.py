"""The page-shell machinery of the storefront's pages: what every visitor sees alike (a grid
page, a product, a cart's contents) is cached rendered, per currency, as a Fragment with the whole
page around it (its shell); a request fills in the per-request parts (the header's cart size,
the ads, recommendations that were not yet in the shell) by string replacement."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString

from cart.client import cart_client
from shop.errors import ShopError

from . import pagecache
from .prices import CURRENCIES_ENTRY, requested_currency, visitor_currency
from .session import known_visitor_id
from .templatetags.ads import ad_banner
from .templatetags.recommendations import recommendations
from .templatetags.storefront import (
    CART_LINK_MARKER,
    MESSAGES_MARKER,
    cart_link_html,
    messages_html,
)

logger = logging.getLogger(__name__)


def cart_size(request: HttpRequest) -> int | None:
    """Items in the visitor's cart; None (the header shows no count) when the cart service or
    the session store fails. Either way the session cookie stays (storefront.session), so the cart
    is the visitor's again once the outage is over."""
    try:
        user_id = known_visitor_id(request)
        if user_id is None:
            return 0
        return cart_client().get_cart(user_id).size
    except ShopError as error:
        logger.warning("Cart size left out of the header: %s", error)
        return None


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    currency: str,
    status: int = 200,
    size: int | None = None,
) -> HttpResponse:
    """A storefront page with its header: the visitor's currency and cart size (`size` when the
    view has read the cart already: one round trip less)."""
    header = {"currency": currency, "cart_size": cart_size(request) if size is None else size}
    return render(request, template, {**header, **context}, status=status)


@dataclass(frozen=True, slots=True)
class Fragment:
    """The rendered part of a page that every visitor sees alike in one currency, with what the
    page around it needs: its title and the keys of the per-request widgets (ads,
    recommendations), which are rendered for each visitor. `shell` is the whole page as a
    visitor without a session sees it, with markers where the widgets go."""

    html: SafeString
    title: str = ""
    context_keys: tuple[str, ...] = ()
    product_ids: tuple[str, ...] = ()
    shell: str = ""
    # Widgets already filled into the shell (their content was the same for every visitor).
    in_shell: tuple[str, ...] = ()
    # False when a part was left out because a service failed: shown, but never cached.
    complete: bool = True
    # Widgets meant to be in the shell; one that had nothing to show when the shell was rendered
    # (its service slow or down) is put in later by the first page view that renders it.
    fill_in: tuple[str, ...] = ()

    def filled(self, name: str, html: str) -> Fragment:
        shell = self.shell.replace(WIDGET_MARKERS[name], html)
        return replace(self, shell=shell, in_shell=(*self.in_shell, name))


# Where each per-request widget goes in a page, and how it is rendered for a Fragment in a
# currency.
WIDGET_MARKERS = {name: SafeString(f"<!--widget:{name}-->") for name in ("ad", "recommendations")}
WIDGETS: dict[str, Callable[[Fragment, str], str]] = {
    "ad": lambda page, currency: ad_banner(page.context_keys),
    "recommendations": lambda page, currency: render_to_string(
        "storefront/recommendations.html", recommendations(page.product_ids, currency)
    ),
}


def fragment(
    template: str,
    context: dict,
    *,
    page_template: str,
    currency: str,
    fill_in: tuple[str, ...] = (),
    page_context: dict | None = None,
    **page: object,
) -> Fragment:
    """`fill_in`: widgets whose content is the same for every visitor for as long as the
    fragment lives (recommendations: cached as long, never ads, which rotate); they go into the
    shell when they have something to show, else stay per request. `page_context`: what else
    the page around the fragment shows (the query in the search box)."""
    page_context = page_context or {}
    # No request: the fragment must not depend on one (pagination links get `page_query`).
    content = Fragment(html=render_to_string(template, context), **page)
    widgets = dict(WIDGET_MARKERS)
    for name in fill_in:
        html = WIDGETS[name](content, currency)
        if html.strip():
            widgets[name] = SafeString(html)
    shell = render_to_string(
        page_template,
        {"fragment": content, "widgets": widgets, "currency": currency, **page_context,
         "cart_link_marker": True},
    )  # fmt: skip
    filled = tuple(name for name in fill_in if widgets[name] != WIDGET_MARKERS[name])
    return Fragment(html=content.html, shell=shell, in_shell=filled, fill_in=fill_in, **page)


def render_fragment_page(
    request: HttpRequest,
    page_template: str,
    cached: Cached,
    *,
    widgets: tuple[str, ...] = (),
    size: int | None = None,
) -> HttpResponse:
    """A cached page: its shell with the widgets and the visitor's cart size filled in (`size`
    as for render_page). A widget meant for the shell that it lacks, once it renders something,
    goes into the cached shell.

    A shopper's page differs from the shell only by the cart size in the header and the
    messages waiting to be shown (they follow a form: "Added to your cart" on the cart page
    after each add), both filled in by string replacement. A shell cached before it had a place
    for messages (an older release's, until its entry is replaced) is rendered around the
    fragment when a message waits, as every such page was before."""
    page, currency = cached.page, cached.currency
    waiting = settings.SESSION_COOKIE_NAME in request.COOKIES and messages.get_messages(request)
    if waiting and MESSAGES_MARKER not in page.shell:
        rendered = {name: WIDGETS[name](page, currency) for name in widgets}
        context = {"fragment": page, "widgets": rendered}
        response = render_page(request, page_template, context, currency=currency, size=size)
    else:
        shown_size = cart_size(request) if size is None else size
        html = page.shell.replace(CART_LINK_MARKER, cart_link_html(shown_size))
        html = html.replace(MESSAGES_MARKER, messages_html(waiting))
        for name in widgets:
            if name not in page.in_shell:
                widget = WIDGETS[name](page, currency)
                html = html.replace(WIDGET_MARKERS[name], widget)
                if name in page.fill_in and widget.strip():
                    cached.keep(page.filled(name, widget))
        response = HttpResponse(html)
    # The page depends on the session (cart size) and currency cookies.
    patch_vary_headers(response, ["Cookie"])
    return response


@dataclass(frozen=True, slots=True)
class Cached:
    currency: str
    page: Fragment
    # Stores a better page (a widget filled in) in place of `page`, under the same version.
    keep: Callable[[Fragment], None]


def cached_fragment(request: HttpRequest, parts: tuple, build: Callable[[str], Fragment]) -> Cached:
    """The visitor's currency and the page's fragment in it, cached under `parts` + currency.

    On a warm cache this is one round trip: the version, the fragment and the currency codes
    that the cookie's choice is checked against."""
    wanted = requested_currency(request)
    snapshot = pagecache.read((*parts, wanted), CURRENCIES_ENTRY)
    currency = visitor_currency(request, snapshot)
    if currency != wanted:
        snapshot = pagecache.read((*parts, currency))
    key = (*parts, currency)
    page = snapshot.get(key, lambda: build(currency), keep=lambda page: page.complete)
    return Cached(currency, page, keep=lambda better: snapshot.put(key, better))
