"""Celery tasks of the recommendations service (thin: they call services)."""

from celery import shared_task

from shop.task_retry import TRANSIENT_ERRORS, retry_later

from . import services
from .purchases import PURCHASE_RECORDED_TASK


@shared_task(name=services.REBUILD_TASK)
def rebuild() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE) and a short while after new purchases."""
    return services.recommendations_rebuild()


@shared_task(name=PURCHASE_RECORDED_TASK, bind=True, acks_late=True, max_retries=39)
def purchase_recorded(self, order_id: str, product_ids: list[str]) -> bool:
    """Queued through RecommendationClient.record_purchase for every paid order (checkout, on
    commit); repeats are harmless, so an outage means: later (shop/task_retry.py)."""
    try:
        return services.purchase_record(order_id=order_id, product_ids=tuple(product_ids))
    except TRANSIENT_ERRORS as exc:
        retry_later(self, exc, base=2.0, cap=600.0)
