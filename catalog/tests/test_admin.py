from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.services import demo_catalog_load

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/product/"


@pytest.fixture
def demo():
    demo_catalog_load()


def test_changelist_shows_thumbnails_and_searches(admin_client, demo):
    page = admin_client.get(CHANGELIST).content.decode()
    assert '<img src="/static/img/products/sunglasses.jpg"' in page
    found = admin_client.get(CHANGELIST, {"q": "BAMBOO"}).content.decode()
    assert "Bamboo Glass Jar" in found and "Sunglasses" not in found
    kitchen = admin_client.get(CHANGELIST, {"categories__slug__exact": "kitchen"}).content.decode()
    assert "Mug" in kitchen and "Loafers" not in kitchen


def test_price_and_active_flag_are_edited_in_the_list(admin_client, demo):
    products = list(Product.objects.order_by("name", "id"))
    form = {
        "form-TOTAL_FORMS": str(len(products)),
        "form-INITIAL_FORMS": str(len(products)),
        "_save": "Save",
    }
    for index, product in enumerate(products):
        form[f"form-{index}-id"] = product.pk
        form[f"form-{index}-price_amount"] = str(product.price_amount)
        if product.is_active:
            form[f"form-{index}-is_active"] = "on"
    mug = next(i for i, p in enumerate(products) if p.pk == "6E92ZMYYFZ")
    form[f"form-{mug}-price_amount"] = "9.49"
    del form[f"form-{mug}-is_active"]
    response = admin_client.post(CHANGELIST, form)
    assert response.status_code == 302
    product = Product.objects.get(pk="6E92ZMYYFZ")
    assert (product.price_amount, product.is_active) == (Decimal("9.49"), False)


def test_a_negative_price_is_refused_in_the_form(admin_client, demo):
    response = admin_client.post(
        "/admin/catalog/product/6E92ZMYYFZ/change/",
        {"name": "Mug", "description": "", "picture": "", "price_amount": "-1",
         "categories": ["kitchen"], "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 200  # the form again, with the error
    assert Product.objects.get(pk="6E92ZMYYFZ").price_amount == Decimal("8.99")


def test_categories_list_counts_active_products(admin_client, demo):
    page = admin_client.get("/admin/catalog/category/").content.decode()
    assert "Kitchen" in page and "Active products" in page


def test_a_product_is_added_with_a_generated_id(admin_client, demo):
    form = admin_client.get("/admin/catalog/product/add/")
    assert form.status_code == 200
    generated_id = form.context["adminform"].form["id"].value()
    response = admin_client.post(
        "/admin/catalog/product/add/",
        {"id": generated_id, "name": "Tote Bag", "description": "Canvas.", "picture": "",
         "price_amount": "12.50", "categories": ["accessories"], "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Product.objects.get(pk=generated_id).name == "Tote Bag"
    assert len(generated_id) == 10
