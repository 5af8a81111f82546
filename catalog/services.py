"""Operations of the Product Catalog service (writes)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from .models import Category, Product

DEMO_CATEGORIES = {
    "accessories": "Accessories",
    "clothing": "Clothing",
    "tops": "Tops",
    "footwear": "Footwear",
    "hair": "Hair",
    "beauty": "Beauty",
    "decor": "Decor",
    "home": "Home",
    "kitchen": "Kitchen",
}

# The original's nine products: ids, names, USD prices and categories; our own descriptions.
DEMO_PRODUCTS = [
    ("OLJCESPC7Z", "Sunglasses", "19.99", ["accessories"],
     "Round tortoiseshell frames with polarised lenses that cut the glare of a summer noon."),
    ("66VCHSJNUP", "Tank Top", "18.99", ["clothing", "tops"],
     "A soft cotton-modal tank with a relaxed cut, for hot days and layered evenings."),
    ("1YMWWN1N4O", "Watch", "109.99", ["accessories"],
     "A quiet quartz watch: brushed steel case, leather strap, a face that is easy to read."),
    ("L9ECAV7KIM", "Loafers", "89.99", ["footwear"],
     "Hand-stitched suede loafers with a flexible sole, smart enough for the office."),
    ("2ZYFJ3GM2N", "Hairdryer", "24.99", ["hair", "beauty"],
     "A light 1,800 W travel hairdryer with two heat settings and a cool shot button."),
    ("0PUK6V6EV0", "Candle Holder", "18.99", ["decor", "home"],
     "A hand-thrown stoneware holder for pillar candles, glazed in warm sand tones."),
    ("LS4PSXUNUM", "Salt & Pepper Shakers", "18.49", ["kitchen"],
     "A pair of oak and glass shakers with ceramic grinders you can refill from the top."),
    ("9SIQT8TOJO", "Bamboo Glass Jar", "5.49", ["kitchen"],
     "An airtight glass jar with a bamboo lid, for coffee beans, pasta or biscuits."),
    ("6E92ZMYYFZ", "Mug", "8.99", ["kitchen"],
     "A sturdy 350 ml stoneware mug with a speckled glaze that keeps tea hot for longer."),
]  # fmt: skip


def demo_picture(product_id: str) -> str:
    return f"/static/catalog/products/{product_id}.svg"


@transaction.atomic
def demo_catalog_load() -> int:
    """Creates the demo categories and products that are missing; leaves existing rows alone."""
    for slug, name in DEMO_CATEGORIES.items():
        Category.objects.get_or_create(slug=slug, defaults={"name": name})
    created = 0
    for product_id, name, price, categories, description in DEMO_PRODUCTS:
        product, was_created = Product.objects.get_or_create(
            id=product_id,
            defaults={
                "name": name,
                "description": description,
                "picture": demo_picture(product_id),
                "price_amount": Decimal(price),
            },
        )
        if was_created:
            product.categories.set(categories)
            created += 1
    return created
