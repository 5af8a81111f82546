"""Operations of the Product Catalog service (writes)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from shop.errors import InvalidArgument
from shop.money import InvalidMoney, Money

from . import generator
from .models import ID_LENGTH, Category, Product
from .selectors import products_memo

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


# The original's picture file of each demo product. Pictures follow the original's path scheme,
# so an original frontend shows its own images for our catalog; our storefront serves the same
# paths with our illustrations (catalog/static/img/products/<name>.svg, storefront/pictures.py).
DEMO_PICTURE_NAMES = {
    "OLJCESPC7Z": "sunglasses", "66VCHSJNUP": "tank-top", "1YMWWN1N4O": "watch",
    "L9ECAV7KIM": "loafers", "2ZYFJ3GM2N": "hairdryer", "0PUK6V6EV0": "candle-holder",
    "LS4PSXUNUM": "salt-and-pepper-shakers", "9SIQT8TOJO": "bamboo-glass-jar", "6E92ZMYYFZ": "mug",
}  # fmt: skip


def demo_picture(product_id: str) -> str:
    return f"/static/img/products/{DEMO_PICTURE_NAMES[product_id]}.jpg"


def placeholder_picture(name: str) -> str:
    """A picture path in the original's scheme named after the product, for a product that
    comes without one: the storefront shows a placeholder labelled with the name there (or our
    illustration, when the name is one of ours: "Mug")."""
    return f"/static/img/products/{slugify(name)[:100] or 'product'}.jpg"


def category_name(slug: str) -> str:
    """Display name for a category known only by its slug (an import, the gRPC wire)."""
    return slug.replace("-", " ").capitalize()


def categories_ensure(names_by_slug: dict[str, str]) -> None:
    """Creates the categories that are missing; existing names (staff may edit them) stay."""
    Category.objects.bulk_create(
        [Category(slug=slug, name=name) for slug, name in names_by_slug.items()],
        ignore_conflicts=True,
    )
    products_memo.changed()  # bulk_create sends no signal


@transaction.atomic
def demo_catalog_load() -> int:
    """Creates the demo categories and products that are missing; leaves existing rows alone."""
    categories_ensure(DEMO_CATEGORIES)
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


# --- generated products for scale tests ------------------------------------------------------

SEED_BATCH_SIZE = 2000


def catalog_seed(
    *,
    count: int,
    seed: int | None = None,
    batch_size: int = SEED_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Adds `count` generated products in batches, each batch in its own transaction (an
    interrupted run keeps whole batches only). `seed` makes the products reproducible."""
    if count < 0:
        raise InvalidArgument(f"Cannot add a negative number of products ({count}).")
    categories_ensure({**DEMO_CATEGORIES, **generator.COLLECTIONS})
    rng = random.Random(seed)
    added = 0
    while added < count:
        size = min(batch_size, count - added)
        _seed_batch(rng, size)
        added += size
        if on_batch:
            on_batch(size)
    return added


@transaction.atomic
def _seed_batch(rng: random.Random, size: int) -> None:
    products: dict[str, generator.GeneratedProduct] = {}
    while len(products) < size:
        for product in (generator.generated_product(rng) for _ in range(size - len(products))):
            products[product.id] = product
        # Ids are random: drop the (astronomically rare) ones already in the shop and redraw.
        for taken in Product.objects.filter(pk__in=products).values_list("pk", flat=True):
            del products[taken]
    Product.objects.bulk_create(
        [
            Product(
                id=product.id,
                name=product.name,
                description=product.description,
                picture=demo_picture(product.picture_of),
                price_amount=product.price,
            )
            for product in products.values()
        ],
        batch_size=size,
    )
    Through = Product.categories.through
    Through.objects.bulk_create(
        [
            Through(product_id=product.id, category_id=slug)
            for product in products.values()
            for slug in product.categories
        ]
    )
    products_memo.changed()  # bulk_create sends no signal


# --- import in the original's JSON catalog shape ------------------------------------------

IMPORT_BATCH_SIZE = 1000
_IMPORT_ID = re.compile(rf"^[A-Z0-9]{{1,{ID_LENGTH}}}$")
_CATEGORY_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
_MAX_PRICE_UNITS = 10**10 - 1  # price_amount is DECIMAL(12, 2)
_NANOS_PER_CENT = 10_000_000


@dataclass(frozen=True, slots=True)
class ImportedProduct:
    id: str
    name: str
    description: str
    picture: str
    price: Decimal
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int


class CatalogImportInvalid(InvalidArgument):
    code = "catalog_import_invalid"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"The catalog file has {len(problems)} problem(s); nothing was imported.",
            fields={"products": problems},
        )


def catalog_import_parse(document: object) -> list[ImportedProduct]:
    """Checks every row of `{"products": [...]}` (the original's products.json shape) and
    returns them, or raises CatalogImportInvalid listing every bad row with its reasons."""
    if not isinstance(document, dict) or not isinstance(document.get("products"), list):
        raise CatalogImportInvalid(['The file must be a JSON object with a "products" list.'])
    problems: list[str] = []
    products: list[ImportedProduct] = []
    first_row_of: dict[str, int] = {}
    for number, row in enumerate(document["products"], start=1):
        reasons: list[str] = []
        product = _import_row(row, reasons) if isinstance(row, dict) else None
        if not isinstance(row, dict):
            reasons.append("a product must be a JSON object")
        elif product is not None and product.id in first_row_of:
            reasons.append(f"the id is already used by row {first_row_of[product.id]}")
        if reasons:
            label = f"row {number}"
            if isinstance(row, dict) and isinstance(row.get("id"), str):
                label += f" (id {row['id']!r})"
            problems.append(f"{label}: {'; '.join(reasons)}")
        elif product is not None:
            first_row_of[product.id] = number
            products.append(product)
    if problems:
        raise CatalogImportInvalid(problems)
    return products


def _text(row: dict, key: str, reasons: list[str], *, required: bool, max_length: int) -> str:
    value = row.get(key, "")
    if not isinstance(value, str):
        reasons.append(f"{key} must be a string")
        return ""
    value = value.strip()
    if required and not value:
        reasons.append(f"{key} is missing")
    elif len(value) > max_length:
        reasons.append(f"{key} is longer than {max_length} characters")
    return value


def _import_row(row: dict, reasons: list[str]) -> ImportedProduct | None:
    product_id = _text(row, "id", reasons, required=True, max_length=ID_LENGTH)
    if product_id and not _IMPORT_ID.match(product_id):
        reasons.append(f"id must be 1 to {ID_LENGTH} characters of A-Z and 0-9")
    name = _text(row, "name", reasons, required=True, max_length=200)
    description = _text(row, "description", reasons, required=False, max_length=10_000)
    picture = _text(row, "picture", reasons, required=False, max_length=500)
    if not picture and name:
        picture = placeholder_picture(name)
    price = _import_price(row.get("priceUsd"), reasons)
    categories = _import_categories(row.get("categories", []), reasons)
    if reasons or price is None:
        return None
    return ImportedProduct(product_id, name, description, picture, price, categories)


def _import_price(value: object, reasons: list[str]) -> Decimal | None:
    if not isinstance(value, dict):
        reasons.append('priceUsd must be an object {"currencyCode", "units", "nanos"}')
        return None
    # proto3 JSON leaves out zero fields, so a missing units or nanos is 0.
    code, units, nanos = value.get("currencyCode"), value.get("units", 0), value.get("nanos", 0)
    if code != "USD":
        reasons.append(f"priceUsd.currencyCode must be 'USD', not {code!r}")
        return None
    # The original's JSON writes int64 units as a string ("units": "19") as often as a number.
    if isinstance(units, str) and re.fullmatch(r"-?\d{1,19}", units):
        units = int(units)
    if not (isinstance(units, int) and isinstance(nanos, int)) or isinstance(units | nanos, bool):
        reasons.append("priceUsd.units and priceUsd.nanos must be whole numbers")
        return None
    try:
        price = Money.from_units_nanos("USD", units, nanos)
    except InvalidMoney as error:
        reasons.append(f"priceUsd: {error.message}")
        return None
    if price.amount < 0:
        reasons.append("the price must not be negative")
    elif units > _MAX_PRICE_UNITS:
        reasons.append(f"the price must be below {_MAX_PRICE_UNITS + 1} USD")
    elif nanos % _NANOS_PER_CENT:
        reasons.append("the price must be whole cents (nanos a multiple of 10000000)")
    else:
        return price.amount
    return None


def _import_categories(value: object, reasons: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
        reasons.append("categories must be a list of strings")
        return ()
    slugs = tuple(dict.fromkeys(slug.strip().lower() for slug in value))
    bad = [slug for slug in slugs if not _CATEGORY_SLUG.match(slug)]
    if bad:
        reasons.append(
            f"category {bad[0]!r} is not a slug (lowercase letters, digits, '-' and '_')"
        )
    return slugs


@transaction.atomic
def catalog_import(
    *, products: Sequence[ImportedProduct], on_batch: Callable[[int], None] | None = None
) -> ImportResult:
    """Upserts the products (as parsed by catalog_import_parse) in one transaction: new ids are
    created, existing ones get the file's name, description, picture, price and categories.
    Products not in the file and the active flag of existing ones are left alone."""
    categories_ensure({slug: category_name(slug) for p in products for slug in p.categories})
    Through = Product.categories.through
    created = 0
    for start in range(0, len(products), IMPORT_BATCH_SIZE):
        batch = products[start : start + IMPORT_BATCH_SIZE]
        ids = [product.id for product in batch]
        created += len(ids) - Product.objects.filter(pk__in=ids).count()
        Product.objects.bulk_create(
            [
                Product(
                    id=product.id,
                    name=product.name,
                    description=product.description,
                    picture=product.picture,
                    price_amount=product.price,
                )
                for product in batch
            ],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["name", "description", "picture", "price_amount", "updated_at"],
        )
        Through.objects.filter(product_id__in=ids).delete()
        Through.objects.bulk_create(
            [
                Through(product_id=product.id, category_id=slug)
                for product in batch
                for slug in product.categories
            ]
        )
        if on_batch:
            on_batch(len(batch))
    products_memo.changed()  # bulk writes send no signal
    return ImportResult(created=created, updated=len(products) - created)
