from django.contrib import admin

from .models import Basket


@admin.register(Basket)
class BasketAdmin(admin.ModelAdmin):
    """Read-only: baskets arrive from checkout; staff may look at what sells together."""

    list_display = ["order_id", "product_ids", "recorded_at"]
    search_fields = ["order_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
