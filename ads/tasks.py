"""Celery tasks of the ads service (thin: they call services)."""

from celery import shared_task

from . import services


@shared_task
def counters_flush() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): pending impression and click counts to the database."""
    return services.ad_counters_flush()
