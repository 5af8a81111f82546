from decimal import Decimal

import pytest

from catalog.errors import ProductNotFound
from shop import registry
from shop.dto import Address, CartItem, Product
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
    """Two demo products at their demo prices."""

    PRICES = {"OLJCESPC7Z": Decimal("19.99"), "6E92ZMYYFZ": Decimal("8.99")}

    def get_product(self, product_id: str) -> Product:
        if product_id not in self.PRICES:
            raise ProductNotFound(f"There is no product {product_id!r}.")
        price = Money(self.PRICES[product_id], "USD")
        return Product(product_id, product_id, "", "", price)


@pytest.fixture
def catalog():
    with registry.override("catalog", FakeCatalog()) as fake:
        yield fake
