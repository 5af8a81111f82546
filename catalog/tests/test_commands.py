import json
import re

import pytest
from django.core.management import CommandError, call_command

from catalog import selectors
from catalog.models import Category, Product
from catalog.services import demo_catalog_load

pytestmark = pytest.mark.django_db


def import_file(tmp_path, products) -> str:
    path = tmp_path / "products.json"
    path.write_text(json.dumps({"products": products}))
    return str(path)


def row(product_id="ABC123", **overrides):
    return {
        "id": product_id,
        "name": "Vintage Typewriter",
        "description": "This typewriter looks good in your living room.",
        "picture": "/static/img/products/typewriter.jpg",
        "priceUsd": {"currencyCode": "USD", "units": 67, "nanos": 990000000},
        "categories": ["vintage"],
        **overrides,
    }


def test_seed_catalog_adds_generated_products_with_a_progress_bar(capsys):
    demo_catalog_load()
    call_command("seed_catalog", "--products", "250", "--seed", "3")
    assert Product.objects.count() == 259
    out, err = capsys.readouterr()
    assert "250 added" in out and "250/250" in err
    ids = Product.objects.values_list("pk", flat=True)
    assert all(re.fullmatch(r"[A-Z0-9]{10}", pk) for pk in ids)
    sample = selectors.product_search(query="", category="kitchen")
    assert sample and all(p.picture.startswith("/static/img/products/") for p in sample)
    assert Product.categories.through.objects.count() >= 250


def test_seed_catalog_refuses_a_non_positive_count():
    with pytest.raises(CommandError, match="--products must be 1 or more"):
        call_command("seed_catalog", "--products", "0")


def test_import_creates_then_updates_idempotently(tmp_path, capsys):
    demo_catalog_load()
    products = [
        row(),
        # The original's JSON writes int64 units as a string and leaves out zero nanos.
        row("OLJCESPC7Z", name="Sunglasses", priceUsd={"currencyCode": "USD", "units": "21"},
            categories=["accessories", "Summer"]),
    ]  # fmt: skip
    path = import_file(tmp_path, products)
    call_command("import_catalog", path)
    assert "1 created, 1 updated" in capsys.readouterr().out
    typewriter = selectors.product_get(product_id="ABC123")
    assert str(typewriter.price_usd) == "67.99 USD" and typewriter.categories == ("vintage",)
    sunglasses = selectors.product_get(product_id="OLJCESPC7Z")
    assert str(sunglasses.price_usd) == "21.00 USD"
    assert sunglasses.categories == ("accessories", "summer")
    assert Category.objects.get(slug="summer").name == "Summer"

    before = list(Product.objects.order_by("pk").values("pk", "name", "price_amount"))
    call_command("import_catalog", path)
    assert "0 created, 2 updated" in capsys.readouterr().out
    assert list(Product.objects.order_by("pk").values("pk", "name", "price_amount")) == before
    assert Product.objects.count() == 10


def test_import_reports_every_bad_row_and_imports_nothing(tmp_path, capsys):
    products = [
        row("GOOD000001"),
        row("bad id!"),
        row("NOPRICE001", priceUsd={"currencyCode": "EUR", "units": 1}),
        row("FRACTION01", priceUsd={"currencyCode": "USD", "units": 1, "nanos": 5}),
        row("NEGATIVE01", priceUsd={"currencyCode": "USD", "units": -1, "nanos": -1}),
        row("FLOAT00001", priceUsd={"currencyCode": "USD", "units": 1.5}),
        row("NONAME0001", name=""),
        row("GOOD000001"),
        "not an object",
    ]
    with pytest.raises(CommandError, match="8 problem"):
        call_command("import_catalog", import_file(tmp_path, products))
    err = capsys.readouterr().err
    for expected in [
        "row 2 (id 'bad id!'): id must be 1 to 10 characters",
        "row 3 (id 'NOPRICE001'): priceUsd.currencyCode must be 'USD', not 'EUR'",
        "row 4 (id 'FRACTION01'): the price must be whole cents",
        "row 5 (id 'NEGATIVE01'): the price must not be negative",
        "row 6 (id 'FLOAT00001'): priceUsd.units and priceUsd.nanos must be whole numbers",
        "row 7 (id 'NONAME0001'): name is missing",
        "row 8 (id 'GOOD000001'): the id is already used by row 1",
        "row 9: a product must be a JSON object",
    ]:
        assert expected in err
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    "content,message",
    [("{not json", "is not valid JSON"), ('{"items": []}', 'a "products" list')],
)
def test_import_refuses_a_file_of_the_wrong_shape(tmp_path, capsys, content, message):
    path = tmp_path / "catalog.json"
    path.write_text(content)
    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalog", str(path))
    assert message in str(excinfo.value) + capsys.readouterr().err


def test_import_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_catalog", str(tmp_path / "missing.json"))
