from django.contrib import admin
from django.db.models import Case, F, FloatField, When
from django.db.models.functions import Cast

from .models import Ad


@admin.register(Ad)
class AdAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "text",
        "target",
        "context_keys",
        "active_from",
        "active_until",
        "weight",
        "impressions",
        "clicks",
        "click_through_rate",
    ]
    list_filter = ["active_from", "active_until"]
    search_fields = ["name", "text", "target", "context_keys"]
    readonly_fields = ["impressions", "clicks", "click_through_rate"]
    fields = [
        "name",
        "text",
        "target",
        "context_keys",
        ("active_from", "active_until"),
        "weight",
        ("impressions", "clicks", "click_through_rate"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                ctr=Case(
                    When(impressions=0, then=None),
                    default=Cast(F("clicks"), FloatField()) / Cast(F("impressions"), FloatField()),
                    output_field=FloatField(),
                )
            )
        )

    @admin.display(description="CTR", ordering="ctr")
    def click_through_rate(self, ad: Ad) -> str:
        # Counts reach the database with the periodic flush, so this lags by up to a minute.
        ctr = getattr(ad, "ctr", None)
        return "–" if ctr is None else f"{ctr:.2%}"
