"""Orders in the admin: read-only records (only services change an order), moved along their
life by the order page's buttons (admin_moves.py) or the list's actions, with links to their
charge, shipment and e-mails; purchases listed apart from declined card attempts; a CSV export of
the list as filtered (admin_export.py). The sales dashboard is dashboard.py."""

import uuid

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from currency.client import currency_client
from shop.admin import ReadOnlyAdmin, ReadOnlyTabularInline, admin_link
from shop.counting import BoundedCountPaginator
from shop.errors import ShopError
from shop.money import Money, money_sum

from . import admin_export, admin_moves, compensation, transitions
from .models import Order, OrderLine
from .selectors import DECLINED, PAID_EVER

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


class CheckoutKindFilter(admin.SimpleListFilter):
    """The list shows purchases unless asked otherwise: a declined card attempt is recorded as a
    failed order (selectors.DECLINED), but nobody bought anything."""

    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("declined", "Declined card attempts"), ("all", "Everything")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Purchases",
        }
        for value, title in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "declined":
            return queryset.filter(DECLINED)
        if self.value() == "all" or _statuses_without_declined(request):
            return queryset
        return queryset.exclude(DECLINED)


def _statuses_without_declined(request) -> bool:
    """Whether the status filter asks only for statuses a declined attempt never has (it is a
    failed order). Excluding them there changes nothing but the SQL: a test of columns the
    status index does not hold, so the list's capped count would read every order it counts
    instead of the index alone (benchmarks/staff.py: 4.6x slower at a million orders)."""
    statuses = request.GET.getlist("status__exact")
    return bool(statuses) and Order.Status.FAILED not in statuses


class CurrencyFilter(admin.SimpleListFilter):
    """The currencies the shop sells in, from the currency service: Django's own filter would
    look for them with a `SELECT DISTINCT` over every order."""

    title = "currency"
    parameter_name = "currency__exact"  # the URL of Django's own filter: links keep working

    def lookups(self, request, model_admin):
        return [(code, code) for code in sorted(currency_client().supported_currencies())]

    def queryset(self, request, queryset):
        return queryset.filter(currency=self.value()) if self.value() else queryset


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    # The list costs the same at a thousand orders and at a million
    # (docs/checkout-notifications.md): its filters and searches each have an index (models.py),
    # its count stops at 10,000 (shop/counting.py), and there is no date hierarchy (a
    # `SELECT DISTINCT` of the dates of every order): the created_at filter's periods stand in.
    list_display = [
        "id", "email", "status", "needs_attention", "total_amount", "tracking_id", "created_at"
    ]  # fmt: skip
    list_filter = [CheckoutKindFilter, "needs_attention", "status", CurrencyFilter, "created_at"]
    # Exact matches only (see get_search_results): an order id, an e-mail address in any case,
    # a tracking id or a charge id.
    search_fields = ["email"]
    search_help_text = "An order id, a customer's e-mail address, a tracking id or a charge id."
    paginator = BoundedCountPaginator
    show_full_result_count = False
    inlines = [OrderLineInline]
    change_form_template = "checkout/admin/order_change_form.html"
    change_list_template = "checkout/admin/order_change_list.html"
    actions = ["mark_shipped", "mark_delivered", "cancel", "refund", "attention_handled"]

    def get_fieldsets(self, request, obj=None):
        """Only the sections the order has something in: no empty fulfilment for an order never
        paid, a failure only when there is one."""
        sets = [
            (None, {"fields": ["id", "status", "email", "user_id", "created_at", "updated_at"]}),
        ]
        if obj is not None and obj.attention_note:
            # First, where it cannot be missed: what a failed compensation left to do by hand.
            attention = ["needs_attention", "attention_note"]
            sets.insert(0, ("Staff attention", {"fields": attention, "classes": ["attention"]}))
        sets += [
            ("Address", {"fields": ["street_address", "city", "state", "zip_code", "country"]}),
        ]
        if obj is None:
            return sets
        money = ["subtotal", "shipping_amount", "total_amount"]
        sets.append(("Money", {"fields": money + (["charge"] if obj.charge_id else [])}))
        fulfilment = [
            field
            for field, present in [
                ("shipment", obj.tracking_id),
                ("emails", obj.status in PAID_EVER),
                ("completed_at", obj.completed_at),
            ]
            if present
        ]
        if fulfilment:
            sets.append(("Fulfilment", {"fields": fulfilment}))
        if obj.failure_reason:
            sets.append(("Failure", {"fields": ["failure_reason"]}))
        if _log_entries(obj).exists():
            sets.append(("History", {"fields": ["history"]}))
        return sets

    @admin.display(description="total", ordering="total")
    def total_amount(self, order: Order) -> str:
        return _money(order.total, order.currency)

    @admin.display(description="subtotal")
    def subtotal(self, order: Order) -> str:
        currency = order.currency
        costs = [Money(line.unit_price, currency) * line.quantity for line in order.lines.all()]
        return money_sum(costs, currency).format()

    @admin.display(description="shipping")
    def shipping_amount(self, order: Order) -> str:
        return _money(order.shipping_cost, order.currency)

    @admin.display(description="charge id")
    def charge(self, order: Order) -> str:
        return admin_link("payments.charge", order.charge_id, pk=order.charge_id)

    @admin.display(description="tracking id")
    def shipment(self, order: Order) -> str:
        # By the order id the shipment was made for: staff may give the order the carrier's
        # tracking id when it ships, and the shipment keeps the one it was created with.
        return admin_link("shipping.shipment", order.tracking_id, reference=str(order.pk))

    @admin.display(description="e-mails")
    def emails(self, order: Order) -> str:
        return admin_link(
            "notifications.emailmessage", "E-mails sent for this order", order_id=str(order.pk)
        )

    @admin.display(description="staff actions")
    def history(self, order: Order) -> str:
        entries = _log_entries(order).select_related("user").order_by("action_time")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} by {}: {}</li>",
                ((localtime(entry.action_time).strftime("%Y-%m-%d %H:%M %Z"), entry.user,
                  entry.get_change_message()) for entry in entries),
            ),
        )  # fmt: skip

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, unquote(object_id))
        allowed = order is not None and self.has_move_permission(request)
        buttons = admin_moves.buttons(order) if allowed else []
        context = {**(extra_context or {}), "order_buttons": buttons}
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        own = [
            path("export.csv", self.admin_site.admin_view(self.export_view),
                 name="checkout_order_export"),
            path("<path:object_id>/move/<str:move_name>/",
                 self.admin_site.admin_view(self.move_view), name="checkout_order_move"),
        ]  # fmt: skip
        return own + super().get_urls()

    def export_view(self, request):
        return admin_export.orders_csv_response(self, request)

    def move_view(self, request, object_id: str, move_name: str):
        return admin_moves.move_view(self, request, object_id, move_name)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(pk=uuid.UUID(term)), False
        except ValueError:
            pass
        matches = Q(email__iexact=term) | Q(tracking_id=term) | Q(charge_id=term)
        return queryset.filter(matches), False

    # --- actions: each delegates to a service that enforces the transition table -------------

    def has_move_permission(self, request) -> bool:
        return request.user.has_perm("checkout.change_order")

    def _apply(self, request, queryset, service, done: str, **kwargs) -> None:
        changed = 0
        for order_id in queryset.values_list("pk", flat=True):
            try:
                order = service(order_id=str(order_id), **kwargs)
            except ShopError as error:
                self.message_user(request, f"Order {order_id}: {error.message}", messages.ERROR)
            else:
                self.log_change(request, order, f"{done.capitalize()}.")
                changed += 1
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

    @admin.action(description="Mark what needed staff attention handled", permissions=["move"])
    def attention_handled(self, request, queryset) -> None:
        self._apply(request, queryset, compensation.order_attention_handled, "marked handled")


def _log_entries(order: Order):
    """What staff did to the order, as the admin recorded it (who, when, what)."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Order), object_id=str(order.pk)
    )
