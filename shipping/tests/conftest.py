from decimal import Decimal

import pytest

from shop import registry
from shop.dto import Address, CartItem, Product
from shop.errors import NotFound
from shop.money import Money

HOME = Address(
    street_address="1600 Amphitheatre Parkway",
    city="Mountain View",
    state="CA",
    country="United States",
    zip_code="94043",
)
ITEMS = (CartItem("OLJCESPC7Z", 2), CartItem("6E92ZMYYFZ", 1))


class FakeCatalog:
    """Two demo products at their demo prices; records the calls it answers."""

    PRICES = {"OLJCESPC7Z": Decimal("19.99"), "6E92ZMYYFZ": Decimal("8.99")}

    def __init__(self):
        self.calls: list[str] = []

    def get_product(self, product_id: str) -> Product:
        self.calls.append("get_product")
        if product_id not in self.PRICES:
            raise NotFound(f"There is no product {product_id!r}.")
        return self._product(product_id)

    def get_products(self, product_ids) -> dict[str, Product]:
        self.calls.append("get_products")
        return {pid: self._product(pid) for pid in product_ids if pid in self.PRICES}

    def _product(self, product_id: str) -> Product:
        return Product(product_id, product_id, "", "", Money(self.PRICES[product_id], "USD"))


@pytest.fixture
def catalog():
    with registry.override("catalog", FakeCatalog()) as fake:
        yield fake
