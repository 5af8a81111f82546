"""Celery tasks of the currency service (thin: call one service)."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task
def rates_refresh() -> None:
    """Scheduled in CELERY_BEAT_SCHEDULE; refreshes the rates from CURRENCY_FEED_URL."""
    services.rates_refresh(feed_url=settings.CURRENCY_FEED_URL)
