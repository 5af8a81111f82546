"""The original Online Boutique's load generator, as published (src/loadgenerator/locustfile.py):
the same task mix and weights (index 1, setCurrency 2, browseProduct 10, addToCart 2, viewCart 3,
checkout 1, a first visit to the home page), the same form fields and values (Faker's addresses
and 16-digit VISA numbers, expiry up to 70 years ahead, the six currencies), plain form posts
without CSRF tokens, Origin or Sec-Fetch-Site headers.

Two differences, both for a short run: pauses of 0.2-1 s instead of 1-10 s, and product pages
grouped under one name in the report. The original also defines `logout`, `empty_cart` and
`setLanguage` but schedules none of them, so neither do we (docs/compatibility.md).
"""

import datetime
import random

from faker import Faker
from locust import FastHttpUser, TaskSet, between

PRODUCTS = [
    "0PUK6V6EV0", "1YMWWN1N4O", "2ZYFJ3GM2N", "66VCHSJNUP", "6E92ZMYYFZ",
    "9SIQT8TOJO", "L9ECAV7KIM", "LS4PSXUNUM", "OLJCESPC7Z",
]  # fmt: skip
CURRENCIES = ["EUR", "USD", "JPY", "CAD", "GBP", "TRY"]

fake = Faker()


def index(visit) -> None:
    visit.client.get("/")


def set_currency(visit) -> None:
    visit.client.post("/setCurrency", {"currency_code": random.choice(CURRENCIES)})


def browse_product(visit) -> None:
    visit.client.get(f"/product/{random.choice(PRODUCTS)}", name="/product/[id]")


def view_cart(visit) -> None:
    visit.client.get("/cart")


def add_to_cart(visit) -> None:
    product = random.choice(PRODUCTS)
    visit.client.get(f"/product/{product}", name="/product/[id]")
    visit.client.post("/cart", {"product_id": product, "quantity": random.randint(1, 10)})


def checkout(visit) -> None:
    add_to_cart(visit)
    next_year = datetime.datetime.now().year + 1
    visit.client.post(
        "/cart/checkout",
        {
            "email": fake.email(),
            "street_address": fake.street_address(),
            "zip_code": fake.zipcode(),
            "city": fake.city(),
            "state": fake.state_abbr(),
            "country": fake.country(),
            "credit_card_number": fake.credit_card_number(card_type="visa"),
            "credit_card_expiration_month": random.randint(1, 12),
            "credit_card_expiration_year": random.randint(next_year, next_year + 70),
            "credit_card_cvv": f"{random.randint(100, 999)}",
        },
    )


class ShopperBehaviour(TaskSet):
    # The original's weights.
    tasks = {index: 1, set_currency: 2, browse_product: 10, add_to_cart: 2, view_cart: 3,
             checkout: 1}  # fmt: skip

    def on_start(self) -> None:
        index(self)


class ShopVisitor(FastHttpUser):
    tasks = [ShopperBehaviour]
    wait_time = between(0.2, 1.0)
