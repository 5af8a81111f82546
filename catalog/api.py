"""REST endpoints of the catalog service (thin: validate, call selectors, serialize)."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from shop import links

from . import selectors
from .serializers import (
    CategorySerializer,
    ProductPageSerializer,
    ProductQuerySerializer,
    ProductSerializer,
)

EXAMPLE_PRODUCT = {
    "id": "OLJCESPC7Z",
    "name": "Sunglasses",
    "description": "Add a modern touch to your outfits with these sleek aviator sunglasses.",
    "picture": "https://shop.example/static/img/products/sunglasses.jpg",
    "price": {"currency": "USD", "amount": "19.99"},
    "categories": ["accessories"],
}


class ProductListView(APIView):
    @extend_schema(
        operation_id="products_list",
        parameters=[ProductQuerySerializer],
        responses=ProductPageSerializer,
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "count": 9,
                    "next": "https://shop.example/api/v1/products/?page=2",
                    "previous": None,
                    "results": [EXAMPLE_PRODUCT],
                },
                response_only=True,
            )
        ],  # fmt: skip
    )
    def get(self, request: Request) -> Response:
        query = ProductQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        page = selectors.product_page(
            query=params["search"],
            category=params.get("category"),
            page=params["page"],
            per_page=params["page_size"],
        )
        url = links.request_url(request)
        body = {
            "count": page.count,
            "next": replace_query_param(url, "page", page.number + 1) if page.has_next else None,
            "previous": _previous_url(url, page.number) if page.has_previous else None,
            "results": ProductSerializer(page.items, many=True, context={"request": request}).data,
        }
        return Response(body)


def _previous_url(url: str, number: int) -> str:
    return (
        remove_query_param(url, "page")
        if number == 2
        else replace_query_param(url, "page", number - 1)
    )


class ProductDetailView(APIView):
    @extend_schema(
        responses=ProductSerializer,
        examples=[OpenApiExample("A product", value=EXAMPLE_PRODUCT, response_only=True)],
    )
    def get(self, request: Request, product_id: str) -> Response:
        product = selectors.product_get(product_id=product_id)
        return Response(ProductSerializer(product, context={"request": request}).data)


class CategoryListView(APIView):
    @extend_schema(
        responses=CategorySerializer(many=True),
        examples=[
            OpenApiExample(
                "Categories",
                value=[{"slug": "accessories", "name": "Accessories"}],
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return Response(CategorySerializer(selectors.category_list(), many=True).data)


urlpatterns = [
    path("products/", ProductListView.as_view(), name="product-list"),
    path("products/<str:product_id>/", ProductDetailView.as_view(), name="product-detail"),
    path("categories/", CategoryListView.as_view(), name="category-list"),
]
