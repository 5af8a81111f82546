from rest_framework import serializers

from shop.serializers import CommaSeparatedField


class RecommendationQuerySerializer(serializers.Serializer):
    product_ids = CommaSeparatedField(
        required=False,
        allow_blank=True,
        default=list,
        max_length=7000,
        help_text="Comma-separated ids of the products on the page (none: the most popular).",
    )


class RecommendationResponseSerializer(serializers.Serializer):
    product_ids = serializers.ListField(child=serializers.CharField())
