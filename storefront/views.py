"""The storefront's pages (the original's frontend): browse, search, switch currency, log out.

Views translate and delegate: products come from the catalog client, prices from the currency
client, the cart size from the cart client. What every visitor sees alike (a grid page, a product)
is cached rendered, per currency, as a Fragment (storefront.pagecache); the header (the visitor's
cart size and currency), the ads and the recommendations are rendered for each request.

A visitor without a session (most first visits, crawlers, the load generator) has an empty cart,
so the whole page around the per-request widgets is the same for all of them in one currency:
the Fragment also holds that page, rendered once, and only the widgets are filled in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST, require_safe

from cart.client import cart_client
from catalog.client import catalog_client
from shop.errors import InvalidArgument, NotFound, ShopError

from . import pagecache
from .decorators import storefront_form
from .prices import (
    CURRENCIES_ENTRY,
    CURRENCY_COOKIE,
    requested_currency,
    supported_currencies,
    visitor_currency,
)
from .session import known_visitor_id
from .shelves import (
    EMPTY_SHELF,
    PAGE_SIZE,
    category_title,
    page_number,
    shelf,
    shown_products,
)
from .templatetags.ads import ad_banner
from .templatetags.recommendations import recommendations
from .templatetags.storefront import CART_LINK_MARKER, cart_link_html

logger = logging.getLogger(__name__)

CURRENCY_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
MAX_QUERY_LENGTH = 100
QUANTITIES = range(1, 11)
# Cached grids link their pages with ?page= alone, whatever else the first visitor's URL held.
EMPTY_QUERY = QueryDict()


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
    return Fragment(html=content.html, shell=shell, in_shell=filled, **page)


def render_fragment_page(
    request: HttpRequest,
    page_template: str,
    page: Fragment,
    *,
    currency: str,
    widgets: tuple[str, ...] = (),
    size: int | None = None,
) -> HttpResponse:
    """A cached page: its shell with the widgets and the visitor's cart size filled in (`size`
    as for render_page).

    A shopper's page differs from the shell only by the cart size in the header, unless a
    message waits to be shown (rare: they follow a form, and lead to the cart page): then the
    page is rendered around the fragment."""
    with_session = settings.SESSION_COOKIE_NAME in request.COOKIES
    if with_session and len(messages.get_messages(request)):
        rendered = {name: WIDGETS[name](page, currency) for name in widgets}
        context = {"fragment": page, "widgets": rendered}
        response = render_page(request, page_template, context, currency=currency, size=size)
    else:
        shown_size = cart_size(request) if size is None else size
        html = page.shell.replace(CART_LINK_MARKER, cart_link_html(shown_size))
        for name in widgets:
            if name not in page.in_shell:
                html = html.replace(WIDGET_MARKERS[name], WIDGETS[name](page, currency))
        response = HttpResponse(html)
    # The page depends on the session (cart size) and currency cookies.
    patch_vary_headers(response, ["Cookie"])
    return response


def cached_fragment(
    request: HttpRequest, parts: tuple, build: Callable[[str], Fragment]
) -> tuple[str, Fragment]:
    """The visitor's currency and the page's fragment in it, cached under `parts` + currency.

    On a warm cache this is one round trip: the version, the fragment and the currency codes
    that the cookie's choice is checked against."""
    wanted = requested_currency(request)
    snapshot = pagecache.read((*parts, wanted), CURRENCIES_ENTRY)
    currency = visitor_currency(request, snapshot)
    if currency != wanted:
        snapshot = pagecache.read((*parts, currency))
    return currency, snapshot.get(
        (*parts, currency), lambda: build(currency), keep=lambda page: page.complete
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    number = page_number(request.GET.get("page"))

    def build(currency: str) -> Fragment:
        catalog = catalog_client()
        products = catalog.product_page(page=number, per_page=PAGE_SIZE)
        slugs = tuple(category.slug for category in catalog.categories())
        context = {
            "shelf": shelf(products, currency=currency),
            "categories": slugs,
            "currency": currency,
            "page_query": EMPTY_QUERY,
        }
        return fragment(
            "storefront/_home_content.html",
            context,
            page_template="storefront/home.html",
            currency=currency,
            context_keys=slugs,
        )

    currency, page = cached_fragment(request, ("home", number), build)
    return render_fragment_page(
        request, "storefront/home.html", page, currency=currency, widgets=("ad",)
    )


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    number = page_number(request.GET.get("page"))

    def build(currency: str) -> Fragment:
        products = catalog_client().product_page(category=slug, page=number, per_page=PAGE_SIZE)
        if not products.count:
            raise NotFound(f"There is no category {slug!r} in the shop.")
        heading = category_title(slug)
        context = {
            "shelf": shelf(products, currency=currency),
            "heading": heading,
            "currency": currency,
            "page_query": EMPTY_QUERY,
        }
        return fragment(
            "storefront/_listing_content.html",
            context,
            page_template="storefront/listing.html",
            currency=currency,
            title=heading,
        )

    currency, page = cached_fragment(request, ("category", slug, number), build)
    return render_fragment_page(request, "storefront/listing.html", page, currency=currency)


def search_query(query: str) -> QueryDict:
    """What the links to the other pages of results keep: the query."""
    kept = QueryDict(mutable=True)
    kept["q"] = query
    return kept


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidArgument(f"Please search with at most {MAX_QUERY_LENGTH} characters.")
    number = page_number(request.GET.get("page"))
    if not query and number > 1:
        raise NotFound(f"There is no page {number} here; the last page is 1.")

    def build(currency: str) -> Fragment:
        if query:
            products = catalog_client().product_page(query=query, page=number, per_page=PAGE_SIZE)
            grid = shelf(products, currency=currency)
        else:
            grid = EMPTY_SHELF
        heading = f"Results for “{query}”" if query else "Search"
        context = {
            "shelf": grid,
            "query": query,
            "heading": heading,
            "currency": currency,
            "page_query": search_query(query),
        }
        return fragment(
            "storefront/_listing_content.html",
            context,
            page_template="storefront/listing.html",
            currency=currency,
            page_context={"query": query},
            title=heading,
        )

    # Results are cached like any grid page: free text makes as many entries as there are
    # searches, each gone TIMEOUT seconds after it was written (pagecache digests odd keys).
    currency, page = cached_fragment(request, ("search", query, number), build)
    return render_fragment_page(request, "storefront/listing.html", page, currency=currency)


@require_safe
def product_detail(request: HttpRequest, product_id: str) -> HttpResponse:
    def build(currency: str) -> Fragment:
        product = shown_products([catalog_client().get_product(product_id)], currency)[0]
        context = {"product": product, "quantities": QUANTITIES}
        return fragment(
            "storefront/_product_content.html",
            context,
            page_template="storefront/product.html",
            currency=currency,
            fill_in=("recommendations",),
            title=product.name,
            context_keys=product.categories,
            product_ids=(product.id,),
        )

    currency, page = cached_fragment(request, ("product", product_id), build)
    return render_fragment_page(
        request,
        "storefront/product.html",
        page,
        currency=currency,
        widgets=("recommendations", "ad"),
    )


@storefront_form
@require_POST
def set_currency(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("currency_code", "").strip().upper()
    if not code:
        raise InvalidArgument(
            "Please choose a currency.", fields={"currency_code": ["This field is required."]}
        )
    if code not in supported_currencies():
        raise InvalidArgument(
            f"The shop cannot show prices in {code!r}. Please choose another currency.",
            fields={"currency_code": [f"{code!r} is not a supported currency code."]},
        )
    response = redirect(back_to_shop_page(request))
    response.set_cookie(
        CURRENCY_COOKIE,
        code,
        max_age=CURRENCY_COOKIE_MAX_AGE,
        secure=settings.HTTPS_ONLY,
        httponly=True,
        samesite="Lax",
    )
    return response


def back_to_shop_page(request: HttpRequest) -> str:
    """The path of the Referer when it is a page of this shop, else the home page.

    The result is checked again as a redirect target, so a Referer like
    `https://shop//evil.example/` cannot turn into a protocol-relative redirect.
    """
    referer = request.headers.get("Referer", "")
    allowed = {"allowed_hosts": {request.get_host()}, "require_https": request.is_secure()}
    if not referer or not url_has_allowed_host_and_scheme(referer, **allowed):
        return "/"
    parts = urlsplit(referer)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, **allowed):
        return "/"
    return target


@storefront_form
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Ends the session (the cart's user id with it) and clears every cookie of the shop.

    POST only, so a link or image on another site cannot log a shopper out; a cross-site POST
    is refused by CrossOriginProtectionMiddleware, the storefront's CSRF defence (a token in
    the footer would make every cached page per-visitor)."""
    auth_logout(request)
    response = redirect("/")
    for name in request.COOKIES:
        response.delete_cookie(name, samesite="Lax")
    return response
