from django.contrib import admin, messages

from . import services
from .models import EmailMessage


@admin.register(EmailMessage)
class EmailMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["recipient", "subject", "order_id"]
    actions = ["resend"]
    readonly_fields = [field.name for field in EmailMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Resend the selected e-mails")
    def resend(self, request, queryset) -> None:
        for message_id in queryset.values_list("pk", flat=True):
            services.email_resend(message_id=message_id)
        self.message_user(request, f"{queryset.count()} e-mail(s) queued again.", messages.SUCCESS)
