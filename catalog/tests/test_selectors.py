from decimal import Decimal
from pathlib import Path

import pytest

from catalog import selectors
from catalog.errors import ProductNotFound
from catalog.models import Product
from catalog.services import DEMO_PRODUCTS, catalog_seed, demo_catalog_load
from shop.money import Money
from shop.paging import PER_PAGE_MAX, InvalidPage, PageNotFound

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[1] / "static"


@pytest.fixture
def demo():
    demo_catalog_load()


def test_demo_catalog_has_the_nine_products_and_loads_once():
    assert demo_catalog_load() == 9
    assert demo_catalog_load() == 0
    sunglasses = selectors.product_get(product_id="OLJCESPC7Z")
    assert sunglasses.name == "Sunglasses"
    assert sunglasses.price_usd == Money(Decimal("19.99"), "USD")
    assert sunglasses.categories == ("accessories",)
    assert selectors.product_get(product_id="66VCHSJNUP").categories == ("clothing", "tops")
    assert {p.id for p in selectors.product_list()} == {row[0] for row in DEMO_PRODUCTS}


def test_every_demo_picture_is_one_of_our_static_files(demo):
    # The original's path (name.jpg) is served with our illustration (name.svg).
    for product in selectors.product_list():
        path = STATIC / product.picture.removeprefix("/static/").replace(".jpg", ".svg")
        assert path.is_file(), product.picture
        assert path.read_text().startswith("<svg")


def test_unknown_and_inactive_products_are_not_found(demo):
    Product.objects.filter(pk="6E92ZMYYFZ").update(is_active=False)
    for product_id in ("6E92ZMYYFZ", "NOSUCHPROD"):
        with pytest.raises(ProductNotFound) as excinfo:
            selectors.product_get(product_id=product_id)
        assert product_id in excinfo.value.message
    assert "6E92ZMYYFZ" not in {p.id for p in selectors.product_list()}


def test_many_products_in_one_query_the_missing_ones_absent(demo, django_assert_num_queries):
    Product.objects.filter(pk="6E92ZMYYFZ").update(is_active=False)
    Product.objects.create(id="PLAIN00001", name="Plain", price_amount=Decimal("1.00"))
    every_id = [row[0] for row in DEMO_PRODUCTS]
    with django_assert_num_queries(1):
        found = selectors.product_get_many(
            product_ids=[*every_id, "PLAIN00001", "NOSUCHPROD", "OLJCESPC7Z"]
        )
    assert "6E92ZMYYFZ" not in found and "NOSUCHPROD" not in found
    assert list(found) == sorted({*every_id, "PLAIN00001"} - {"6E92ZMYYFZ"})
    for product_id, product in found.items():
        assert product == selectors.product_get(product_id=product_id)
    assert found["PLAIN00001"].categories == ()
    assert found["66VCHSJNUP"].categories == ("clothing", "tops")
    with django_assert_num_queries(0):
        assert selectors.product_get_many(product_ids=[]) == {}


def test_a_long_list_of_ids_takes_one_query_per_batch(demo, django_assert_num_queries):
    unknown = [f"X{n:09d}" for n in range(selectors.IDS_PER_QUERY)]
    with django_assert_num_queries(2):
        found = selectors.product_get_many(product_ids=[*unknown, "OLJCESPC7Z"])
    assert list(found) == ["OLJCESPC7Z"]


def test_search_matches_name_or_description_case_insensitively(demo):
    assert [p.name for p in selectors.product_search(query="sunGLASSES")] == ["Sunglasses"]
    # "bamboo lid" is only in the jar's description.
    assert [p.id for p in selectors.product_search(query="BAMBOO LID")] == ["9SIQT8TOJO"]
    assert selectors.product_search(query="  mug ")[0].id == "6E92ZMYYFZ"
    assert selectors.product_search(query="no such thing") == []


def test_category_filter_alone_and_with_search(demo):
    kitchen = {p.id for p in selectors.product_list(category="kitchen")}
    assert kitchen == {"LS4PSXUNUM", "9SIQT8TOJO", "6E92ZMYYFZ"}
    assert [p.id for p in selectors.product_search(query="jar", category="kitchen")] == [
        "9SIQT8TOJO"
    ]
    assert selectors.product_search(query="jar", category="footwear") == []


def test_pages_cover_the_results_in_order_without_overlap():
    catalog_seed(count=55, seed=7)
    pages = [selectors.product_page(page=n, per_page=20) for n in (1, 2, 3)]
    assert [len(page.items) for page in pages] == [20, 20, 15]
    assert all(page.count == 55 and page.num_pages == 3 for page in pages)
    assert (pages[0].has_previous, pages[0].has_next) == (False, True)
    assert (pages[2].has_previous, pages[2].has_next) == (True, False)
    ids = [product.id for page in pages for product in page.items]
    assert ids == [product.id for product in selectors.product_list()]


def test_page_bounds():
    empty = selectors.product_page(query="nothing matches this")
    assert (empty.items, empty.count, empty.num_pages) == ((), 0, 1)
    with pytest.raises(PageNotFound, match="no page 2; the last page is 1"):
        selectors.product_page(page=2)
    with pytest.raises(InvalidPage):
        selectors.product_page(page=0)
    with pytest.raises(InvalidPage):
        selectors.product_page(per_page=PER_PAGE_MAX + 1)


@pytest.mark.parametrize("size", [10, 120])
def test_a_page_costs_three_queries_whatever_the_catalog_size(size, django_assert_num_queries):
    demo_catalog_load()
    catalog_seed(count=size, seed=size)
    with django_assert_num_queries(3):  # count, rows, their categories
        page = selectors.product_page(per_page=24)
    assert len(page.items) == min(24, size + 9)
    assert all(product.categories for product in page.items)
    with django_assert_num_queries(3):
        selectors.product_page(query="a", category="kitchen", per_page=24)


def test_categories_are_the_ones_with_active_products(demo):
    slugs = [category.slug for category in selectors.category_list()]
    assert slugs == sorted(slugs) and "kitchen" in slugs
    Product.objects.filter(categories__slug="footwear").update(is_active=False)
    assert "footwear" not in {category.slug for category in selectors.category_list()}
