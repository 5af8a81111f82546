"""REST: carts/, carts/{id}/, carts/{id}/items/, carts/{id}/items/{product_id}/ with
problem+json errors."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.usefixtures("catalog")

MUG = "6E92ZMYYFZ"
SUNGLASSES = "OLJCESPC7Z"


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


def cart_with_two_lines(api) -> str:
    cart_id = new_cart(api)
    for product_id in (MUG, SUNGLASSES):
        body = {"product_id": product_id, "quantity": 2}
        assert api.post(f"/api/v1/carts/{cart_id}/items/", body).status_code == 200
    return cart_id


def test_a_line_is_set_to_a_quantity_and_removed(any_store, api):
    cart_id = cart_with_two_lines(api)
    line = f"/api/v1/carts/{cart_id}/items/{MUG}/"
    response = api.put(line, {"quantity": 42})
    assert response.status_code == 200
    lines = [{"product_id": MUG, "quantity": 42}, {"product_id": SUNGLASSES, "quantity": 2}]
    assert response.json() == {"id": cart_id, "items": lines}
    assert api.delete(line).status_code == 204
    assert api.delete(line).status_code == 204  # gone already: nothing changes
    remaining = [{"product_id": SUNGLASSES, "quantity": 2}]
    assert api.get(f"/api/v1/carts/{cart_id}/").json()["items"] == remaining
    response = api.put(f"/api/v1/carts/{cart_id}/items/{SUNGLASSES}/", {"quantity": 0})
    assert response.status_code == 200 and response.json()["items"] == []


def test_putting_a_product_not_yet_in_the_cart_adds_its_line(any_store, api):
    cart_id = new_cart(api)
    response = api.put(f"/api/v1/carts/{cart_id}/items/{MUG}/", {"quantity": 99})
    assert response.json()["items"] == [{"product_id": MUG, "quantity": 99}]


@pytest.mark.parametrize(
    "product_id,body,status,code",
    [
        (MUG, {"quantity": 100}, 400, "invalid"),
        (MUG, {"quantity": -1}, 400, "invalid"),
        (MUG, {"quantity": "many"}, 400, "invalid"),
        (MUG, {}, 400, "invalid"),
        ("NOSUCHPROD", {"quantity": 1}, 404, "product_not_found"),
    ],
)
def test_bad_line_updates_are_problems_and_change_nothing(
    any_store, api, product_id, body, status, code
):
    cart_id = cart_with_two_lines(api)
    before = api.get(f"/api/v1/carts/{cart_id}/").json()
    response = api.put(f"/api/v1/carts/{cart_id}/items/{product_id}/", body, format="json")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    if status == 400:
        assert "quantity" in response.json()["errors"]
    assert api.get(f"/api/v1/carts/{cart_id}/").json() == before


def test_lines_of_an_unknown_cart_are_404_problems(any_store, api):
    line = f"/api/v1/carts/not-a-cart/items/{MUG}/"
    for response in (api.put(line, {"quantity": 1}), api.delete(line)):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "cart_not_found"


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
