"""The storefront's pages (the original's frontend): browse, search, switch currency, log out.

Views translate and delegate: products come from the catalog client, prices from the currency
client, the cart size from the cart client. What every visitor sees alike (a grid page, a product)
is cached rendered, per currency, as a Fragment (storefront.shells, storefront.pagecache); the
header (the visitor's cart size and currency), the ads and the recommendations are filled in for
each request.

A visitor without a session (most first visits, crawlers, the load generator) has an empty cart,
so the whole page around the per-request widgets is the same for all of them in one currency:
the Fragment also holds that page, rendered once, and only the widgets are filled in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from catalog.client import catalog_client
from shop.errors import InvalidArgument, NotFound

from .decorators import storefront_form
from .prices import CURRENCY_COOKIE, supported_currencies
from .shells import Fragment, cached_fragment, fragment, render_fragment_page
from .shelves import (
    EMPTY_SHELF,
    PAGE_SIZE,
    category_title,
    page_number,
    shelf,
    shown_products,
)

CURRENCY_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
MAX_QUERY_LENGTH = 100
QUANTITIES = range(1, 11)
# Cached grids link their pages with ?page= alone, whatever else the first visitor's URL held.
EMPTY_QUERY = QueryDict()


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

    cached = cached_fragment(request, ("home", number), build)
    return render_fragment_page(request, "storefront/home.html", cached, widgets=("ad",))


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

    cached = cached_fragment(request, ("category", slug, number), build)
    return render_fragment_page(request, "storefront/listing.html", cached)


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
    cached = cached_fragment(request, ("search", query, number), build)
    return render_fragment_page(request, "storefront/listing.html", cached)


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

    cached = cached_fragment(request, ("product", product_id), build)
    return render_fragment_page(
        request, "storefront/product.html", cached, widgets=("recommendations", "ad")
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
