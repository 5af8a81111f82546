from django.contrib import admin, messages

from shop.errors import ShopError

from . import services
from .models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ["product_id", "product_name", "quantity", "unit_price"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "email", "status", "currency", "total", "tracking_id", "created_at"]
    list_filter = ["status", "currency"]
    search_fields = ["id", "email", "tracking_id", "charge_id"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]
    exclude = ["access_token", "idempotency_key", "request_fingerprint"]
    readonly_fields = [
        field.name
        for field in Order._meta.fields
        if field.name not in ("access_token", "idempotency_key", "request_fingerprint")
    ]
    actions = ["mark_shipped", "mark_delivered"]

    def has_add_permission(self, request) -> bool:
        return False

    def _move(self, request, queryset, to: str) -> None:
        moved = 0
        for order_id in queryset.values_list("pk", flat=True):
            try:
                services.order_transition(order_id=str(order_id), to=to)
                moved += 1
            except ShopError as error:
                self.message_user(request, f"{order_id}: {error.message}", messages.ERROR)
        self.message_user(request, f"{moved} order(s) now {to}.", messages.SUCCESS)

    @admin.action(description="Mark as shipped")
    def mark_shipped(self, request, queryset) -> None:
        self._move(request, queryset, Order.Status.SHIPPED)

    @admin.action(description="Mark as delivered")
    def mark_delivered(self, request, queryset) -> None:
        self._move(request, queryset, Order.Status.DELIVERED)
