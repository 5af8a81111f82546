"""`{% load recommendations %}{% recommendations product_ids currency %}`: "You may also like"
cards with their prices in the visitor's currency, or nothing at all when the service fails, is
slow or its circuit breaker is open (recommendations are optional on a page).

The cards of a set of asked products in one currency are the same for every visitor until the
table is rebuilt, so they are kept in the storefront's versioned cache (storefront.pagecache),
per currency like the pages: a warm page reads them in one round trip, a catalog or rate edit
shows at once, a rebuilt table within pagecache.TIMEOUT seconds.
"""

from collections.abc import Iterable

from django import template

from catalog.client import catalog_client
from recommendations.client import recommendation_client
from shop import dto
from shop.errors import ServiceUnavailable
from shop.resilience import call_optional
from storefront import pagecache
from storefront.prices import DEFAULT_CURRENCY
from storefront.shelves import ShownProduct, shown_products

register = template.Library()


class WidgetSkipped(ServiceUnavailable):
    """The service failed or was too slow: nothing to show, and nothing to cache."""

    code = "recommendations_skipped"


def recommended_products(product_ids: tuple[str, ...]) -> list[dto.Product]:
    recommended = recommendation_client().list_recommendations("", product_ids)
    products = catalog_client().get_products(recommended) if recommended else {}
    # In the service's order; one deactivated since the table was last built is left out.
    return [products[product_id] for product_id in recommended if product_id in products]


def recommended_cards(product_ids: tuple[str, ...], currency: str) -> tuple[ShownProduct, ...]:
    """The whole widget, catalog look-ups and price conversions included, shares one deadline
    and breaker."""
    cards = call_optional(
        "recommendations", lambda: shown_products(recommended_products(product_ids), currency)
    )
    if cards is None:
        raise WidgetSkipped()
    return cards


@register.inclusion_tag("storefront/recommendations.html")
def recommendations(
    product_ids: Iterable[str] | str = (), currency: str = DEFAULT_CURRENCY
) -> dict:
    """`product_ids`: the page's products (never recommended), as a list or a comma-separated
    string; `currency`: the visitor's (storefront.prices.visitor_currency)."""
    if isinstance(product_ids, str):
        product_ids = product_ids.split(",")
    asked = tuple(sorted({product_id.strip() for product_id in product_ids if product_id.strip()}))
    entry = ("recommended", currency, *asked)
    try:
        cards = pagecache.read(entry).get(entry, lambda: recommended_cards(asked, currency))
    except WidgetSkipped:
        cards = ()
    return {"products": cards}
