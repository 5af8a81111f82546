"""Shipping in the admin: the rate staff edit, and shipments moved along by status actions."""

from django.contrib import admin, messages

from shop.admin import ReadOnlyAdmin
from shop.errors import ShopError

from . import services
from .models import Shipment, ShippingRate


@admin.register(ShippingRate)
class ShippingRateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "flat_rate", "free_shipping_threshold", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request) -> bool:
        return not ShippingRate.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = ["tracking_id", "status", "reference", "city", "country", "created"]
    list_filter = ["status", "created"]
    search_fields = ["tracking_id", "reference"]
    date_hierarchy = "created"
    actions = ["mark_shipped", "mark_delivered", "cancel"]

    def has_advance_permission(self, request) -> bool:
        return request.user.has_perm("shipping.change_shipment")

    def _advance(self, request, queryset, to: str) -> None:
        done = 0
        for tracking_id in queryset.values_list("tracking_id", flat=True):
            try:
                services.shipment_advance(tracking_id=tracking_id, to=to)
                done += 1
            except ShopError as error:
                self.message_user(request, error.message, messages.WARNING)
        if done:
            self.message_user(request, f"Marked {done} shipment(s) {to}.", messages.SUCCESS)

    @admin.action(description="Mark the selected shipments shipped", permissions=["advance"])
    def mark_shipped(self, request, queryset) -> None:
        self._advance(request, queryset, Shipment.Status.SHIPPED)

    @admin.action(description="Mark the selected shipments delivered", permissions=["advance"])
    def mark_delivered(self, request, queryset) -> None:
        self._advance(request, queryset, Shipment.Status.DELIVERED)

    @admin.action(description="Cancel the selected shipments", permissions=["advance"])
    def cancel(self, request, queryset) -> None:
        done = 0
        for tracking_id in queryset.values_list("tracking_id", flat=True):
            try:
                services.shipment_cancel(tracking_id=tracking_id)
                done += 1
            except ShopError as error:
                self.message_user(request, error.message, messages.WARNING)
        if done:
            self.message_user(request, f"Cancelled {done} shipment(s).", messages.SUCCESS)
