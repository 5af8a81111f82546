"""Reads of the notifications service: the delivery figures staff see on the sales dashboard."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from shop import dto

from .models import EmailMessage


def delivery_report(*, since: date) -> tuple[dto.DeliveryDay, ...]:
    """Per day a message was recorded on (in TIME_ZONE), from `since`: how many are sent and how
    many failed for good (every attempt used). Days without messages are absent. One query."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    rows = (
        EmailMessage.objects.filter(created_at__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            sent=Count("id", filter=Q(status=EmailMessage.Status.SENT)),
            failed=Count("id", filter=Q(status=EmailMessage.Status.FAILED)),
        )
        .order_by("day")
    )
    return tuple(dto.DeliveryDay(row["day"], row["sent"], row["failed"]) for row in rows)
