"""Admin pieces every service shares."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.http import urlencode


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records staff look at and act on through actions, never edit by hand (orders, charges,
    shipments, e-mails, computed tables): no add, change or delete."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyTabularInline(admin.TabularInline):
    """The rows of a read-only record (an order's lines)."""

    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def admin_link(model_label: str, text: str, *, pk: str | None = None, **filters: str) -> str:
    """A link to another app's admin page, by model label ("payments.charge"): its change page
    for `pk`, else its list filtered by `filters`. Reversing by name keeps apps from importing
    each other's models; an app not installed here (served elsewhere) gives the bare text."""
    app_label, model_name = model_label.lower().split(".")
    try:
        if pk is not None:
            url = reverse(f"admin:{app_label}_{model_name}_change", args=[pk])
        else:
            url = reverse(f"admin:{app_label}_{model_name}_changelist")
            url += f"?{urlencode(filters)}" if filters else ""
    except NoReverseMatch:
        return format_html("{}", text)
    return format_html('<a href="{}">{}</a>', url, text)
