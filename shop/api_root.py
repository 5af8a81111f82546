"""GET /api/v1/: where an integrator starts. Every resource's collection with its absolute link,
and the schema and the interactive docs, so a client can find its way from this one address."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shop import links

# The resource's path under /api/v1/ (its key in the answer) -> its URL name. Named here, by
# string, because the kernel imports no app; a test holds this list to the committed schema.
RESOURCES = {
    "products": "product-list",
    "categories": "category-list",
    "currencies": "currency-list",
    "currencies/convert": "currency-convert",
    "carts": "cart-list",
    "orders": "orders",
    "payments/charges": "charge-list",
    "shipping/quotes": "shipping-quote",
    "shipping/shipments": "shipment-list",
    "notifications/order-confirmations": "notifications-order-confirmations",
    "recommendations": "api-recommendations",
    "ads": "api-ads",
}

EXAMPLE_BASE = "https://shop.example/api/v1/"
ApiRootSerializer = inline_serializer(
    "ApiRoot",
    fields={
        "resources": serializers.DictField(
            child=serializers.URLField(),
            help_text="Each resource's path under /api/v1/ -> its absolute URL.",
        ),
        "schema": serializers.URLField(help_text="The OpenAPI 3 schema (YAML)."),
        "docs": serializers.URLField(help_text="Interactive documentation (Swagger UI)."),
    },
)


class ApiRootView(APIView):
    @extend_schema(
        responses={200: ApiRootSerializer},
        summary="The API's resources, schema and docs",
        tags=["api"],
        examples=[
            OpenApiExample(
                "The root",
                value={
                    "resources": {path: f"{EXAMPLE_BASE}{path}/" for path in RESOURCES},
                    "schema": f"{EXAMPLE_BASE}schema/",
                    "docs": f"{EXAMPLE_BASE}docs/",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        def link(name: str) -> str:
            return links.absolute_url(reverse(name), request)

        return Response(
            {
                "resources": {path: link(name) for path, name in RESOURCES.items()},
                "schema": link("api-schema"),
                "docs": link("api-docs"),
            }
        )
