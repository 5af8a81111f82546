"""Pictures under the original's path scheme: a catalog imported from the original's
products.json shows every picture (our illustration or a placeholder) and switches currency
right after `migrate`, with no `load_demo`."""

import importlib
import json
import re

import pytest
from django.apps import apps
from django.core.management import call_command

from catalog.models import Product
from catalog.services import DEMO_PICTURE_NAMES, DEMO_PRODUCTS, demo_picture

pytestmark = pytest.mark.django_db


def original_products_json(tmp_path) -> str:
    """The original's products.json shape: its nine products with its picture paths, and one
    product from an older edition of that file whose picture we do not ship."""
    rows = [
        {
            "id": product_id,
            "name": name,
            "description": description,
            "picture": f"/static/img/products/{DEMO_PICTURE_NAMES[product_id]}.jpg",
            "priceUsd": {
                "currencyCode": "USD",
                "units": price.split(".")[0],
                "nanos": int(price.split(".")[1]) * 10_000_000,
            },
            "categories": categories,
        }  # fmt: skip
        for product_id, name, price, categories, description in DEMO_PRODUCTS
    ]
    rows.append(
        {
            "id": "9TYPEWRTR",
            "name": "Vintage Typewriter",
            "description": "This typewriter looks good in your living room.",
            "picture": "/static/img/products/typewriter.jpg",
            "priceUsd": {"currencyCode": "USD", "units": "67", "nanos": 990000000},
            "categories": ["vintage"],
        }
    )
    path = tmp_path / "products.json"
    path.write_text(json.dumps({"products": rows}))
    return str(path)


def test_demo_pictures_follow_the_original_scheme():
    assert demo_picture("OLJCESPC7Z") == "/static/img/products/sunglasses.jpg"
    assert demo_picture("LS4PSXUNUM") == "/static/img/products/salt-and-pepper-shakers.jpg"


def test_an_imported_original_catalog_shows_every_picture_and_switches_currency(client, tmp_path):
    call_command("import_catalog", original_products_json(tmp_path), verbosity=0)

    pictures = set(re.findall(r'src="(/static/img/products/[^"]+)"', client.get("/").text))
    assert "/static/img/products/typewriter.jpg" in pictures and len(pictures) == 10
    for picture in pictures:
        response = client.get(picture)
        assert response.status_code == 200, picture
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<svg")
    # The exchange rates come with `migrate`: no load_demo was run.
    assert client.post("/setCurrency", {"currency_code": "JPY"}).status_code == 302
    assert "¥" in client.get("/product/9TYPEWRTR").text


def test_the_original_nine_show_our_illustrations_and_others_a_labelled_placeholder(client):
    sunglasses = client.get("/static/img/products/sunglasses.jpg")
    assert b'aria-label="Sunglasses"' in sunglasses.content
    assert "max-age=86400" in sunglasses["Cache-Control"]
    assert sunglasses["Content-Security-Policy"].startswith("default-src 'none'")
    placeholder = client.get("/static/img/products/camera-lens.png")
    assert b'aria-label="Camera lens"' in placeholder.content


@pytest.mark.parametrize(
    "path", ["/static/img/products/../settings.jpg", "/static/img/products/x.exe",
             "/static/img/products/a%3Cb.jpg", "/static/img/products/" + "x" * 101 + ".jpg"],
)  # fmt: skip
def test_other_picture_paths_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_the_migration_moves_old_demo_paths_to_the_original_scheme(tmp_path):
    migration = importlib.import_module("catalog.migrations.0004_original_picture_paths")
    Product.objects.create(id="OLJCESPC7Z", name="S", price_amount=1,
                           picture="/static/catalog/products/OLJCESPC7Z.svg")  # fmt: skip
    Product.objects.create(id="OWN0000001", name="O", price_amount=1, picture="/static/own.svg")
    migration.forwards(apps, None)
    pictures = dict(Product.objects.values_list("id", "picture"))
    assert pictures == {"OLJCESPC7Z": "/static/img/products/sunglasses.jpg",
                        "OWN0000001": "/static/own.svg"}  # fmt: skip


def test_an_imported_product_without_a_picture_gets_a_placeholder_named_after_it(client, tmp_path):
    row = {"id": "NOPIC00001", "name": "Camp Mug", "priceUsd": {"currencyCode": "USD", "units": 9}}
    path = tmp_path / "products.json"
    path.write_text(json.dumps({"products": [row]}))
    call_command("import_catalog", str(path), verbosity=0)

    picture = Product.objects.get(pk="NOPIC00001").picture
    assert picture == "/static/img/products/camp-mug.jpg"
    assert b'aria-label="Camp mug"' in client.get(picture).content
