"""ProductCatalogService over a real gRPC channel, and the remote client against the local one."""

import grpc
import pytest

from catalog.client import GrpcCatalogClient
from catalog.errors import ProductNotFound
from catalog.local import LocalCatalogClient
from catalog.services import demo_catalog_load
from shop.paging import InvalidPage, PageNotFound
from shop.rpc.protos import boutique_catalog_pb2 as catalog_pb
from shop.rpc.protos import boutique_catalog_pb2_grpc as catalog_pb_grpc
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def address(grpc_server):
    demo_catalog_load()
    return grpc_server("catalog")


@pytest.fixture
def stub(address):
    return pb_grpc.ProductCatalogServiceStub(grpc.insecure_channel(address))


def test_list_products(stub):
    products = stub.ListProducts(pb.Empty(), timeout=5).products
    assert len(products) == 9
    watch = next(p for p in products if p.id == "1YMWWN1N4O")
    assert (watch.name, watch.price_usd.currency_code) == ("Watch", "USD")
    assert (watch.price_usd.units, watch.price_usd.nanos) == (109, 990_000_000)
    assert list(watch.categories) == ["accessories"]


def test_get_product_and_not_found_with_a_clear_message(stub):
    assert stub.GetProduct(pb.GetProductRequest(id="L9ECAV7KIM"), timeout=5).name == "Loafers"
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.GetProduct(pb.GetProductRequest(id="NOSUCHPROD"), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.NOT_FOUND
    assert excinfo.value.details() == "There is no product with id 'NOSUCHPROD' in the shop."


def test_many_products_in_one_call_over_our_extension(address):
    stub = catalog_pb_grpc.ProductBatchServiceStub(grpc.insecure_channel(address))
    request = catalog_pb.GetProductsRequest(ids=["L9ECAV7KIM", "NOSUCHPROD", "1YMWWN1N4O"])
    products = stub.GetProducts(request, timeout=5).products
    assert sorted((p.id, p.name) for p in products) == [
        ("1YMWWN1N4O", "Watch"),
        ("L9ECAV7KIM", "Loafers"),
    ]


def test_search_is_case_insensitive_on_name_and_description(stub):
    results = stub.SearchProducts(pb.SearchProductsRequest(query="HAIRDRYER"), timeout=5).results
    assert [p.id for p in results] == ["2ZYFJ3GM2N"]
    by_description = stub.SearchProducts(pb.SearchProductsRequest(query="Stoneware"), timeout=5)
    assert {p.id for p in by_description.results} == {"0PUK6V6EV0", "6E92ZMYYFZ"}


def test_the_remote_client_agrees_with_the_local_one(address):
    local, remote = LocalCatalogClient(), GrpcCatalogClient(address)
    assert remote.list_products() == local.list_products()
    assert remote.list_products(category="kitchen") == local.list_products(category="kitchen")
    assert remote.get_product("9SIQT8TOJO") == local.get_product("9SIQT8TOJO")
    ids = ["9SIQT8TOJO", "NOSUCHPROD", "OLJCESPC7Z", "9SIQT8TOJO"]
    assert remote.get_products(ids) == local.get_products(ids)
    assert sorted(remote.get_products(ids)) == ["9SIQT8TOJO", "OLJCESPC7Z"]
    assert remote.get_products([]) == local.get_products([]) == {}
    assert remote.search_products("glass") == local.search_products("glass")
    for kwargs in [{}, {"query": "a", "per_page": 2, "page": 3}, {"category": "kitchen"}]:
        assert remote.product_page(**kwargs) == local.product_page(**kwargs)
    assert remote.categories() == local.categories()
    for client in (local, remote):
        with pytest.raises(ProductNotFound):
            client.get_product("NOSUCHPROD")
        with pytest.raises(PageNotFound):
            client.product_page(page=99)
        with pytest.raises(InvalidPage):
            client.product_page(page=0)


def test_a_control_character_in_a_request_string_is_invalid_argument_not_internal(stub):
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.GetProduct(pb.GetProductRequest(id="L9ECAV7KIM\x00"), timeout=5)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "control character" in excinfo.value.details()
