"""`{% load recommendations %}{% recommendations product_ids %}`: "You may also like" cards, or
nothing at all when the service fails, is slow or its circuit breaker is open (recommendations
are optional on a page).

The cards of a set of asked products are the same for every visitor until the table is rebuilt,
so they are kept in the storefront's versioned cache (storefront.pagecache): a warm page reads
them in one round trip, a catalog edit shows at once, a rebuilt table within pagecache.TIMEOUT
seconds.
"""

from collections.abc import Iterable

from django import template

from catalog.client import catalog_client
from recommendations.client import recommendation_client
from shop import dto
from shop.errors import ServiceUnavailable
from shop.resilience import call_optional
from storefront import pagecache

register = template.Library()


class WidgetSkipped(ServiceUnavailable):
    """The service failed or was too slow: nothing to show, and nothing to cache."""

    code = "recommendations_skipped"


def recommended_products(product_ids: tuple[str, ...]) -> list[dto.Product]:
    recommended = recommendation_client().list_recommendations("", product_ids)
    products = catalog_client().get_products(recommended) if recommended else {}
    # In the service's order; one deactivated since the table was last built is left out.
    return [products[product_id] for product_id in recommended if product_id in products]


def recommended_products_optional(product_ids: tuple[str, ...]) -> list[dto.Product]:
    """The whole widget, catalog look-ups included, shares one deadline and breaker."""
    products = call_optional("recommendations", lambda: recommended_products(product_ids))
    if products is None:
        raise WidgetSkipped()
    return products


@register.inclusion_tag("storefront/recommendations.html")
def recommendations(product_ids: Iterable[str] | str = ()) -> dict:
    """`product_ids`: the page's products (never recommended), as a list or a comma-separated
    string."""
    if isinstance(product_ids, str):
        product_ids = product_ids.split(",")
    asked = tuple(sorted({product_id.strip() for product_id in product_ids if product_id.strip()}))
    entry = ("recommended", *asked)
    try:
        products = pagecache.read(entry).get(entry, lambda: recommended_products_optional(asked))
    except WidgetSkipped:
        products = []
    return {"products": products}
