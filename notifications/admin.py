"""The e-mail log in the admin: read-only records; the one thing staff do is resend."""

from django.contrib import admin, messages

from shop.admin import ReadOnlyAdmin

from . import services
from .models import EmailMessage


@admin.register(EmailMessage)
class EmailMessageAdmin(ReadOnlyAdmin):
    list_display = ["subject", "recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["recipient", "subject", "order_id"]
    actions = ["resend"]

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("notifications.change_emailmessage")

    @admin.action(description="Resend the selected e-mails", permissions=["resend"])
    def resend(self, request, queryset) -> None:
        for message_id in queryset.values_list("pk", flat=True):
            services.email_resend(message_id=message_id)
        self.message_user(request, f"{queryset.count()} e-mail(s) queued again.", messages.SUCCESS)
