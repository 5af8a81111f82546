from django.contrib import admin

from shop.admin import ReadOnlyAdmin

from .models import Basket


@admin.register(Basket)
class BasketAdmin(ReadOnlyAdmin):
    """Read-only: baskets arrive from checkout; staff may look at what sells together."""

    list_display = ["order_id", "product_ids", "recorded_at"]
    search_fields = ["order_id"]
