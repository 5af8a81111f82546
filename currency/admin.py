from django.contrib import admin

from .models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["code", "rate_per_eur", "updated_at", "updated_by"]
    list_editable = ["rate_per_eur"]
    search_fields = ["code"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
