"""Admin pieces every service shares."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records staff look at and act on through actions, never edit by hand (charges,
    shipments, computed tables): no add, change or delete."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
