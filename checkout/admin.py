"""Orders in the admin: read-only records (only services change an order), moved along their
life by actions, with links to their charge, shipment and e-mails; and the sales dashboard."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from shop.admin import ReadOnlyAdmin, ReadOnlyTabularInline, admin_link
from shop.errors import ShopError
from shop.money import Money

from . import selectors, transitions
from .models import Order, OrderLine

# The admin index links to the sales dashboard (see templates/checkout/admin/index.html).
admin.site.index_template = "checkout/admin/index.html"


def _money(amount, currency: str) -> str:
    return Money(amount, currency).format()


class OrderLineInline(ReadOnlyTabularInline):
    model = OrderLine
    fields = readonly_fields = ["product_id", "product_name", "quantity", "price", "cost"]

    @admin.display(description="unit price")
    def price(self, line: OrderLine) -> str:
        return _money(line.unit_price, line.order.currency)

    @admin.display(description="line total")
    def cost(self, line: OrderLine) -> str:
        return _money(line.unit_price * line.quantity, line.order.currency)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["id", "email", "status", "total_amount", "tracking_id", "created_at"]
    list_filter = ["status", "currency", "created_at"]
    search_fields = ["id", "email", "tracking_id", "charge_id"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]
    fieldsets = [
        (None, {"fields": ["id", "status", "email", "user_id", "created_at", "updated_at"]}),
        ("Address", {"fields": ["street_address", "city", "state", "zip_code", "country"]}),
        ("Money", {"fields": ["shipping_amount", "total_amount", "charge"]}),
        ("Fulfilment", {"fields": ["shipment", "emails", "completed_at"]}),
        ("Failure", {"fields": ["failure_reason"], "classes": ["collapse"]}),
    ]
    actions = ["mark_shipped", "mark_delivered", "cancel", "refund"]

    @admin.display(description="total", ordering="total")
    def total_amount(self, order: Order) -> str:
        return _money(order.total, order.currency)

    @admin.display(description="shipping")
    def shipping_amount(self, order: Order) -> str:
        return _money(order.shipping_cost, order.currency)

    @admin.display(description="charge id")
    def charge(self, order: Order) -> str:
        if not order.charge_id:
            return "-"
        return admin_link("payments.charge", order.charge_id, pk=order.charge_id)

    @admin.display(description="tracking id")
    def shipment(self, order: Order) -> str:
        if not order.tracking_id:
            return "-"
        return admin_link("shipping.shipment", order.tracking_id, tracking_id=order.tracking_id)

    @admin.display(description="e-mails")
    def emails(self, order: Order) -> str:
        return admin_link(
            "notifications.emailmessage", "E-mails sent for this order", order_id=str(order.pk)
        )

    # --- actions: each delegates to a service that enforces the transition table -------------

    def has_move_permission(self, request) -> bool:
        return request.user.has_perm("checkout.change_order")

    def _apply(self, request, queryset, service, done: str, **kwargs) -> None:
        changed = 0
        for order_id in queryset.values_list("pk", flat=True):
            try:
                service(order_id=str(order_id), **kwargs)
                changed += 1
            except ShopError as error:
                self.message_user(request, f"Order {order_id}: {error.message}", messages.ERROR)
        if changed:
            self.message_user(request, f"{changed} order(s) {done}.", messages.SUCCESS)

    @admin.action(description="Mark as shipped", permissions=["move"])
    def mark_shipped(self, request, queryset) -> None:
        self._apply(request, queryset, transitions.order_transition, "marked shipped", to="shipped")

    @admin.action(description="Mark as delivered", permissions=["move"])
    def mark_delivered(self, request, queryset) -> None:
        self._apply(
            request, queryset, transitions.order_transition, "marked delivered", to="delivered"
        )

    @admin.action(description="Cancel (interrupted checkouts only)", permissions=["move"])
    def cancel(self, request, queryset) -> None:
        self._apply(request, queryset, transitions.order_cancel, "cancelled")

    @admin.action(description="Refund the customer", permissions=["move"])
    def refund(self, request, queryset) -> None:
        self._apply(request, queryset, transitions.order_refund, "refunded")


def sales_dashboard(request):
    """Staff only (wrapped by admin.site.admin_view in checkout/admin_urls.py)."""
    if not request.user.has_perm("checkout.view_order"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "Sales dashboard",
        "summary": selectors.sales_summary(days=30),
    }
    return TemplateResponse(request, "checkout/admin/sales.html", context)
