from django.contrib import admin

from .models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["code", "rate_per_eur", "pinned", "updated_at", "updated_by"]
    list_editable = ["rate_per_eur", "pinned"]
    list_filter = ["pinned"]
    search_fields = ["code"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        # A rate staff type in is meant to stay: pin it, unless they set the pin themselves.
        if "rate_per_eur" in form.changed_data and "pinned" not in form.changed_data:
            obj.pinned = True
        super().save_model(request, obj, form, change)
