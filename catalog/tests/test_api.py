import pytest

from catalog.services import catalog_seed, demo_catalog_load

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def demo():
    demo_catalog_load()


def test_product_detail_shape(client, demo):
    response = client.get("/api/v1/products/OLJCESPC7Z/")
    assert response.status_code == 200
    assert response.json() == {
        "id": "OLJCESPC7Z",
        "name": "Sunglasses",
        "description": response.json()["description"],
        "picture": "http://testserver/static/img/products/sunglasses.jpg",
        "price": {"currency": "USD", "amount": "19.99"},
        "categories": ["accessories"],
    }
    assert "polarised" in response.json()["description"]


def test_unknown_product_is_a_404_problem(client, demo):
    response = client.get("/api/v1/products/NOSUCHPROD/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "product_not_found" and "'NOSUCHPROD'" in body["detail"]


def test_list_is_paginated_with_links(client, demo):
    first = client.get("/api/v1/products/", {"page_size": 4}).json()
    assert first["count"] == 9 and len(first["results"]) == 4 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/v1/products/?page_size=4"
    last = client.get(second["next"]).json()
    assert len(last["results"]) == 1 and last["next"] is None
    names = [p["name"] for page in (first, second, last) for p in page["results"]]
    assert names == sorted(names)


def test_pictures_and_page_links_follow_site_url_when_set(client, demo, settings):
    settings.SITE_URL = "https://shop.example.com"
    page = client.get("/api/v1/products/", {"page_size": 4}).json()
    assert page["next"] == "https://shop.example.com/api/v1/products/?page=2&page_size=4"
    sunglasses = client.get("/api/v1/products/OLJCESPC7Z/").json()
    assert sunglasses["picture"] == ("https://shop.example.com/static/img/products/sunglasses.jpg")


def test_search_and_category(client, demo):
    found = client.get("/api/v1/products/", {"search": "GLASS"}).json()["results"]
    assert {p["id"] for p in found} == {"OLJCESPC7Z", "9SIQT8TOJO", "LS4PSXUNUM"}
    kitchen = client.get("/api/v1/products/", {"search": "lid", "category": "kitchen"}).json()
    assert [p["id"] for p in kitchen["results"]] == ["9SIQT8TOJO"]


@pytest.mark.parametrize(
    "params,field",
    [({"page": "0"}, "page"), ({"page": "x"}, "page"), ({"page_size": "1000"}, "page_size"),
     ({"category": "not a slug"}, "category")],
)  # fmt: skip
def test_bad_query_parameters_are_400_problems(client, demo, params, field):
    response = client.get("/api/v1/products/", params)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert field in response.json()["errors"]


def test_a_page_past_the_end_is_a_404_problem(client, demo):
    response = client.get("/api/v1/products/", {"page": 5})
    assert response.status_code == 404 and response.json()["code"] == "page_not_found"


@pytest.mark.parametrize("size", [10, 150])
def test_the_list_costs_the_same_queries_whatever_the_catalog_size(
    client, size, django_assert_num_queries
):
    catalog_seed(count=size, seed=1)
    with django_assert_num_queries(3):
        response = client.get("/api/v1/products/", {"search": "a", "category": "kitchen"})
    assert response.status_code == 200 and response.json()["results"]


def test_categories(client, demo):
    categories = client.get("/api/v1/categories/").json()
    assert {"slug": "kitchen", "name": "Kitchen"} in categories
    assert len(categories) == 9


def test_the_schema_documents_money_and_problems(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    money = schema["components"]["schemas"]["Money"]
    assert set(money["properties"]) == {"currency", "amount"}
    detail = schema["paths"]["/api/v1/products/{product_id}/"]["get"]["responses"]
    assert "404" in detail
