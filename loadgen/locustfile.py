"""The original Online Boutique traffic mix, as its load generator sends it: plain form posts,
no CSRF tokens, no Origin or Sec-Fetch-Site headers.

Weights: index 1, setCurrency 2, browse 10, addToCart 2, viewCart 3, checkout 1.
"""

import datetime
import random

from faker import Faker
from locust import HttpUser, between, task

PRODUCTS = [
    "0PUK6V6EV0", "1YMWWN1N4O", "2ZYFJ3GM2N", "66VCHSJNUP", "6E92ZMYYFZ",
    "9SIQT8TOJO", "L9ECAV7KIM", "LS4PSXUNUM", "OLJCESPC7Z",
]  # fmt: skip
CURRENCIES = ["EUR", "USD", "JPY", "CAD", "GBP", "TRY"]

fake = Faker()


class ShopVisitor(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.index()

    @task(1)
    def index(self) -> None:
        self.client.get("/")

    @task(2)
    def set_currency(self) -> None:
        self.client.post("/setCurrency", {"currency_code": random.choice(CURRENCIES)})

    @task(10)
    def browse_product(self) -> None:
        self.client.get(f"/product/{random.choice(PRODUCTS)}", name="/product/[id]")

    @task(2)
    def add_to_cart(self) -> None:
        product = random.choice(PRODUCTS)
        self.client.get(f"/product/{product}", name="/product/[id]")
        self.client.post("/cart", {"product_id": product, "quantity": random.randint(1, 10)})

    @task(3)
    def view_cart(self) -> None:
        self.client.get("/cart")

    @task(1)
    def checkout(self) -> None:
        self.add_to_cart()
        next_year = datetime.date.today().year + 1
        self.client.post(
            "/cart/checkout",
            {
                "email": fake.email(),
                "street_address": fake.street_address(),
                "zip_code": fake.zipcode(),
                "city": fake.city(),
                "state": fake.state_abbr(),
                "country": fake.country(),
                "credit_card_number": fake.credit_card_number(card_type="visa16"),
                "credit_card_expiration_month": random.randint(1, 12),
                "credit_card_expiration_year": random.randint(next_year, next_year + 10),
                "credit_card_cvv": f"{random.randint(100, 999)}",
            },
        )
