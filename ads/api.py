"""REST endpoints of the ads service (thin: validate, call services, serialize)."""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .serializers import AdQuerySerializer, AdResponseSerializer


class AdListView(APIView):
    authentication_classes: list = []

    @extend_schema(
        parameters=[AdQuerySerializer],
        responses=AdResponseSerializer,
        examples=[
            OpenApiExample(
                "One ad",
                value={"ads": [{"text": "Vintage camera lens for sale. 20% off.",
                                "redirect_url": "/product/66VCHSJNUP?ad=3"}]},
                response_only=True,
            )
        ],
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        """Up to 2 ads for the page's categories (random active ads when none matches)."""
        query = AdQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        ads = services.ads_select(context_keys=query.validated_data["context_keys"])
        return Response(AdResponseSerializer({"ads": ads}).data)


urlpatterns = [path("ads/", AdListView.as_view(), name="api-ads")]
