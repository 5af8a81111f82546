"""Every write path of the catalog drops the products held in memory (catalog.selectors'
products_memo), so GetProduct, cart pricing and checkout see the write at once."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from catalog import selectors
from catalog.models import Category, Product
from catalog.services import demo_catalog_load

# Outside a test transaction, as a server's reads are (inside one the memo is passed by).
pytestmark = pytest.mark.django_db(transaction=True)

MUG = "6E92ZMYYFZ"


@pytest.fixture
def remembered_mug():
    demo_catalog_load()
    before = selectors.product_get(product_id=MUG)
    # Remembered: a change behind the memo's back (raw SQL) is not seen yet.
    Product.objects.filter(pk=MUG).update(name="Unseen")
    assert selectors.product_get(product_id=MUG) == before
    assert selectors.product_get_many(product_ids=[MUG])[MUG] == before
    return before


def test_an_admin_edit_shows_at_once(admin_client, remembered_mug):
    response = admin_client.post(
        f"/admin/catalog/product/{MUG}/change/",
        {"name": "Big Mug", "description": "d", "picture": "", "price_amount": "9.49",
         "categories": ["kitchen"], "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert selectors.product_get(product_id=MUG).price_usd.amount == Decimal("9.49")
    assert selectors.product_get_many(product_ids=[MUG])[MUG].name == "Big Mug"


def test_a_save_and_a_recategorisation_show_at_once(remembered_mug):
    product = Product.objects.get(pk=MUG)
    product.price_amount = Decimal("1.00")
    product.save()
    assert selectors.product_get(product_id=MUG).price_usd.amount == Decimal("1.00")
    product.categories.set(["decor"])
    assert selectors.product_get(product_id=MUG).categories == ("decor",)
    Category.objects.filter(slug="decor").first().save()
    product.delete()
    assert MUG not in selectors.product_get_many(product_ids=[MUG])


def test_import_catalog_shows_at_once(remembered_mug, tmp_path):
    path = tmp_path / "products.json"
    price = {"currencyCode": "USD", "units": 3, "nanos": 0}
    row = {"id": MUG, "name": "Imported Mug", "description": "d", "picture": "/m.svg",
           "priceUsd": price, "categories": ["kitchen"]}  # fmt: skip
    path.write_text(json.dumps({"products": [row]}))
    call_command("import_catalog", str(path), verbosity=0)
    assert selectors.product_get(product_id=MUG).price_usd.amount == Decimal("3")


def test_seed_catalog_drops_the_memo(remembered_mug):
    call_command("seed_catalog", "--products", "10", "--seed", "1", verbosity=0)
    # The seed changed no demo product, but it wrote the tables: the memo was dropped, so the
    # change made behind its back now shows too.
    assert selectors.product_get(product_id=MUG).name == "Unseen"
