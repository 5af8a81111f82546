"""REST endpoints of the currency service (thin: validate, call services, serialize)."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.serializers import MoneyField, MoneySchema

from . import services
from .serializers import ConversionSerializer, CurrencyListSerializer


class CurrencyListView(APIView):
    @extend_schema(
        responses=CurrencyListSerializer,
        examples=[
            OpenApiExample(
                "Codes", value={"currency_codes": ["EUR", "JPY", "USD"]}, response_only=True
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return Response({"currency_codes": services.currency_codes()})


class ConvertView(APIView):
    @extend_schema(
        request=ConversionSerializer,
        responses=MoneySchema,
        examples=[
            OpenApiExample(
                "Dollars to euros",
                value={"from": {"currency": "USD", "amount": "19.99"}, "to": "EUR"},
                request_only=True,
            ),
            OpenApiExample(
                "In euros", value={"currency": "EUR", "amount": "17.6824"}, response_only=True
            ),
        ],
        description="Converts exactly (from -> EUR -> to, in Decimal); the amount is not rounded.",
    )
    def post(self, request: Request) -> Response:
        conversion = ConversionSerializer(data=request.data)
        conversion.is_valid(raise_exception=True)
        result = services.currency_convert(
            money=conversion.validated_data["from"], to_currency=conversion.validated_data["to"]
        )
        return Response(MoneyField().to_representation(result))


urlpatterns = [
    path("currencies/", CurrencyListView.as_view(), name="currency-list"),
    path("currencies/convert/", ConvertView.as_view(), name="currency-convert"),
]
