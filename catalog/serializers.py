"""JSON shapes of the catalog's REST API (read from dto values, never ORM rows)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop import links
from shop.paging import PER_PAGE_MAX
from shop.serializers import MoneyField


class ProductSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    picture = serializers.SerializerMethodField(help_text="Absolute URL of the product's image.")
    price = MoneyField(source="price_usd")
    categories = serializers.ListField(child=serializers.CharField(), help_text="Category slugs.")

    @extend_schema_field(serializers.URLField)
    def get_picture(self, product) -> str:
        request = self.context.get("request")
        if not product.picture or request is None:
            return product.picture
        return links.request_url(request, product.picture)


class ProductPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ProductSerializer(many=True)


class ProductQuerySerializer(serializers.Serializer):
    search = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=200,
        help_text="Words the name or description contains (case-insensitive).",
    )  # fmt: skip
    category = serializers.SlugField(required=False, help_text="A category slug.")
    page = serializers.IntegerField(required=False, default=1, min_value=1)
    page_size = serializers.IntegerField(
        required=False, default=20, min_value=1, max_value=PER_PAGE_MAX
    )


class CategorySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
