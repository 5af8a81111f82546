"""REST endpoints of the recommendations service (thin: validate, call services, serialize)."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .serializers import RecommendationQuerySerializer, RecommendationResponseSerializer


class RecommendationListView(APIView):
    authentication_classes: list = []

    @extend_schema(
        parameters=[RecommendationQuerySerializer],
        responses=RecommendationResponseSerializer,
        examples=[
            OpenApiExample(
                "Alike products",
                value={"product_ids": ["2ZYFJ3GM2N", "66VCHSJNUP", "1YMWWN1N4O"]},
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        """Up to 5 product ids alike to the given ones, never one of them."""
        query = RecommendationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        product_ids = selectors.recommendations_list(
            product_ids=query.validated_data["product_ids"]
        )
        return Response(RecommendationResponseSerializer({"product_ids": product_ids}).data)


urlpatterns = [
    path("recommendations/", RecommendationListView.as_view(), name="api-recommendations")
]
