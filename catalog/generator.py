"""Plausible generated products for scale tests (`seed_catalog`): names, descriptions, prices
and categories from a small vocabulary, each drawn with one of our nine illustrations."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from .models import ID_ALPHABET, ID_LENGTH

# noun, the demo product whose illustration fits it, categories
KINDS = [
    ("Sunglasses", "OLJCESPC7Z", ("accessories",)),
    ("Reading Glasses", "OLJCESPC7Z", ("accessories",)),
    ("Tank Top", "66VCHSJNUP", ("clothing", "tops")),
    ("Vest", "66VCHSJNUP", ("clothing", "tops")),
    ("Watch", "1YMWWN1N4O", ("accessories",)),
    ("Loafers", "L9ECAV7KIM", ("footwear",)),
    ("Moccasins", "L9ECAV7KIM", ("footwear",)),
    ("Hairdryer", "2ZYFJ3GM2N", ("hair", "beauty")),
    ("Candle Holder", "0PUK6V6EV0", ("decor", "home")),
    ("Lantern", "0PUK6V6EV0", ("decor", "home")),
    ("Salt & Pepper Shakers", "LS4PSXUNUM", ("kitchen",)),
    ("Spice Mill", "LS4PSXUNUM", ("kitchen",)),
    ("Storage Jar", "9SIQT8TOJO", ("kitchen",)),
    ("Mug", "6E92ZMYYFZ", ("kitchen",)),
    ("Teacup", "6E92ZMYYFZ", ("kitchen",)),
]
STYLES = [
    "Classic",
    "Everyday",
    "Nordic",
    "Vintage",
    "Minimal",
    "Coastal",
    "Urban",
    "Heritage",
    "Studio",
    "Weekend",
]
MATERIALS = [
    "Oak",
    "Linen",
    "Copper",
    "Sage",
    "Indigo",
    "Terracotta",
    "Walnut",
    "Ivory",
    "Slate",
    "Amber",
    "Olive",
    "Moss",
]
PRAISES = [
    "made to be used every day and to last for years",
    "finished by hand in a small workshop",
    "a quiet piece that goes with everything",
    "easy to care for and lovely to give",
    "designed with a light touch and honest materials",
    "a small luxury at an everyday price",
]
# Extra "collection" categories: a third of the generated products also belong to one.
COLLECTIONS = {"gifts": "Gifts", "new-in": "New in", "eco": "Eco", "bestsellers": "Bestsellers"}
CENTS = ["0.99", "0.49", "0.95", "0.00"]


@dataclass(frozen=True, slots=True)
class GeneratedProduct:
    id: str
    name: str
    description: str
    picture_of: str
    price: Decimal
    categories: tuple[str, ...]


def generated_product(rng: random.Random) -> GeneratedProduct:
    noun, picture_of, categories = rng.choice(KINDS)
    style, material = rng.choice(STYLES), rng.choice(MATERIALS)
    if rng.random() < 1 / 3:
        categories = (*categories, rng.choice(list(COLLECTIONS)))
    return GeneratedProduct(
        id="".join(rng.choices(ID_ALPHABET, k=ID_LENGTH)),
        name=f"{style} {material} {noun}",
        description=f"A {material.lower()} {noun.lower()} in our {style.lower()} line, "
        f"{rng.choice(PRAISES)}.",
        picture_of=picture_of,
        price=Decimal(rng.randint(2, 240)) + Decimal(rng.choice(CENTS)),
        categories=categories,
    )
