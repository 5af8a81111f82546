"""Charges in the admin: read-only records; the one thing staff do is refund."""

from django.contrib import admin, messages

from shop.admin import ReadOnlyModelAdmin
from shop.errors import ShopError

from . import services
from .models import Charge


@admin.register(Charge)
class ChargeAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "created", "status", "brand", "last4", "amount", "currency"]
    list_filter = ["status", "brand", "currency", "created"]
    search_fields = ["last4", "id", "idempotency_key"]
    date_hierarchy = "created"
    actions = ["refund"]

    @admin.action(description="Refund the selected charges", permissions=["refund"])
    def refund(self, request, queryset) -> None:
        refunded = 0
        for charge in queryset:
            try:
                services.charge_refund(charge_id=str(charge.id))
                refunded += 1
            except ShopError as error:
                self.message_user(request, f"{charge.id}: {error.message}", messages.WARNING)
        if refunded:
            self.message_user(request, f"Refunded {refunded} charge(s).", messages.SUCCESS)

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("payments.change_charge")
