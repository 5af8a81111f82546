"""The recommendation service's edges: REST, gRPC and the "You may also like" template tag."""

import grpc
import pytest
from django.template import Context, Template

from recommendations.client import GrpcRecommendationClient
from recommendations.selectors import InvalidProductIds
from recommendations.services import purchase_record, recommendations_rebuild
from shop import registry
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

MUG, JAR, SHAKERS, WATCH = "6E92ZMYYFZ", "9SIQT8TOJO", "LS4PSXUNUM", "1YMWWN1N4O"
WIDGET = Template("{% load recommendations %}{% recommendations ids %}")


@pytest.fixture
def built(db):
    from catalog.services import demo_catalog_load

    demo_catalog_load()
    purchase_record(order_id="o1", product_ids=(MUG, WATCH))
    recommendations_rebuild()


@pytest.fixture
def generous_deadline(settings):
    settings.OPTIONAL_SERVICE_DEADLINE_SECONDS = 5.0  # a loaded test machine is no outage


def test_rest_lists_up_to_five_other_products(client, built):
    response = client.get("/api/v1/recommendations/", {"product_ids": f"{MUG},{JAR}"})
    assert response.status_code == 200
    ids = response.json()["product_ids"]
    assert len(ids) == 5 and not {MUG, JAR} & set(ids)
    assert client.get("/api/v1/recommendations/").json()["product_ids"][0] in {MUG, WATCH}


def test_rest_refuses_too_many_ids_clearly(client, built):
    ids = ",".join(f"P{i}" for i in range(101))
    response = client.get("/api/v1/recommendations/", {"product_ids": ids})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_product_ids"


@pytest.mark.django_db(transaction=True)
def test_grpc_list_recommendations_over_a_real_channel(grpc_server, built):
    address = grpc_server("recommendations")
    stub = pb_grpc.RecommendationServiceStub(grpc.insecure_channel(address))
    request = pb.ListRecommendationsRequest(user_id="u", product_ids=[MUG])
    response = stub.ListRecommendations(request, timeout=5)
    assert list(response.product_ids)[0] == WATCH and MUG not in response.product_ids
    too_many = pb.ListRecommendationsRequest(product_ids=[f"P{i}" for i in range(101)])
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.ListRecommendations(too_many, timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    remote = GrpcRecommendationClient(address, deadline=5)
    assert remote.list_recommendations("u", [MUG]) == list(response.product_ids)
    with pytest.raises(InvalidProductIds):
        remote.list_recommendations("u", [f"P{i}" for i in range(101)])


@pytest.mark.django_db(transaction=True)
def test_the_widget_shows_cards_of_other_products(built, generous_deadline):
    html = WIDGET.render(Context({"ids": [MUG, JAR]}))
    assert "You may also like" in html
    assert html.count('class="product-card"') == 5
    assert 'href="/product/1YMWWN1N4O"' in html and ">Watch<" in html
    assert "/static/img/products/watch.jpg" in html
    assert f'href="/product/{MUG}"' not in html and f'href="/product/{JAR}"' not in html


@pytest.mark.django_db(transaction=True)
def test_the_widget_is_the_same_over_grpc(built, generous_deadline, grpc_server, settings):
    settings.SERVICE_ADDRS = {
        **settings.SERVICE_ADDRS,
        "recommendations": grpc_server("recommendations"),
    }
    registry.reset()
    html = WIDGET.render(Context({"ids": MUG}))
    assert html.count('class="product-card"') == 5 and 'href="/product/1YMWWN1N4O"' in html


@pytest.mark.django_db(transaction=True)
def test_a_product_deactivated_since_the_build_is_left_out(built, generous_deadline):
    from catalog.models import Product

    Product.objects.filter(pk=WATCH).update(is_active=False)
    html = WIDGET.render(Context({"ids": [MUG]}))
    assert html.count('class="product-card"') == 4 and WATCH not in html
