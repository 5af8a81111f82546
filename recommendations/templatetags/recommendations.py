"""`{% load recommendations %}{% recommendations product_ids %}`: "You may also like" cards, or
nothing at all when the service fails, is slow or its circuit breaker is open (recommendations
are optional on a page)."""

from collections.abc import Iterable

from django import template

from catalog.client import catalog_client
from recommendations.client import recommendation_client
from shop import dto
from shop.errors import NotFound
from shop.resilience import call_optional

register = template.Library()


def recommended_products(product_ids: tuple[str, ...]) -> list[dto.Product]:
    recommended = recommendation_client().list_recommendations("", product_ids)
    catalog = catalog_client()
    products = []
    for product_id in recommended:
        try:
            products.append(catalog.get_product(product_id))
        except NotFound:
            continue  # deactivated since the table was last built
    return products


@register.inclusion_tag("recommendations/widget.html")
def recommendations(product_ids: Iterable[str] | str = ()) -> dict:
    """`product_ids`: the page's products (never recommended), as a list or a comma-separated
    string. The whole widget, catalog look-ups included, shares one deadline and breaker."""
    if isinstance(product_ids, str):
        product_ids = product_ids.split(",")
    asked = tuple(product_id.strip() for product_id in product_ids if product_id.strip())
    products = call_optional("recommendations", lambda: recommended_products(asked))
    return {"products": products or []}
