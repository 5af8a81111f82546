from rest_framework import serializers

from shop.serializers import CommaSeparatedField


class AdQuerySerializer(serializers.Serializer):
    context_keys = CommaSeparatedField(
        required=False,
        allow_blank=True,
        default=list,
        max_length=2000,
        help_text="Comma-separated categories of the page, e.g. kitchen,decor.",
    )


class AdSerializer(serializers.Serializer):
    text = serializers.CharField()
    redirect_url = serializers.CharField(
        help_text="Where the ad leads: a page of this shop with the ad's click parameter "
        "(`/product/OLJCESPC7Z?ad=3`); the storefront counts the visit as the ad's click."
    )


class AdResponseSerializer(serializers.Serializer):
    ads = AdSerializer(many=True)
