"""REST: carts/, carts/{id}/, carts/{id}/items/ with problem+json errors."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.usefixtures("catalog")

MUG = "6E92ZMYYFZ"


@pytest.fixture
def api():
    return APIClient()


def new_cart(api) -> str:
    response = api.post("/api/v1/carts/")
    assert response.status_code == 201
    assert response.json()["items"] == []
    return response.json()["id"]


def test_create_add_read_and_empty(any_store, api):
    cart_id = new_cart(api)
    assert len(cart_id) >= 32 and cart_id != new_cart(api)
    for _ in range(2):
        response = api.post(f"/api/v1/carts/{cart_id}/items/", {"product_id": MUG, "quantity": 3})
        assert response.status_code == 200
    expected = {"id": cart_id, "items": [{"product_id": MUG, "quantity": 6}]}
    assert response.json() == expected
    assert api.get(f"/api/v1/carts/{cart_id}/").json() == expected
    assert api.delete(f"/api/v1/carts/{cart_id}/").status_code == 204
    assert api.get(f"/api/v1/carts/{cart_id}/").json() == {"id": cart_id, "items": []}


def test_unknown_cart_is_404_problem(any_store, api):
    for response in (
        api.get("/api/v1/carts/not-a-cart/"),
        api.delete("/api/v1/carts/not-a-cart/"),
        api.post("/api/v1/carts/not-a-cart/items/", {"product_id": MUG, "quantity": 1}),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "cart_not_found"


@pytest.mark.parametrize(
    "body,status,field",
    [
        ({"product_id": MUG, "quantity": 0}, 400, "quantity"),
        ({"product_id": MUG, "quantity": 11}, 400, "quantity"),
        ({"product_id": MUG, "quantity": "many"}, 400, "quantity"),
        ({"product_id": MUG}, 400, "quantity"),
        ({"quantity": 1}, 400, "product_id"),
        ({"product_id": "NOSUCHPROD", "quantity": 1}, 404, None),
    ],
)
def test_bad_items_are_problems_and_change_nothing(any_store, api, body, status, field):
    cart_id = new_cart(api)
    response = api.post(f"/api/v1/carts/{cart_id}/items/", body, format="json")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    if field:
        assert field in response.json()["errors"]
    assert api.get(f"/api/v1/carts/{cart_id}/").json()["items"] == []


@pytest.mark.redis
def test_redis_outage_is_a_503_problem(use_redis, api):
    cart_id = new_cart(api)
    use_redis.halt()
    try:
        response = api.get(f"/api/v1/carts/{cart_id}/")
    finally:
        use_redis.start()
    assert response.status_code == 503
    assert response.json()["code"] == "cart_unavailable"
