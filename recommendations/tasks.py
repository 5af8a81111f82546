"""Celery tasks of the recommendations service (thin: they call services)."""

from celery import shared_task

from . import services
from .purchases import PURCHASE_RECORDED_TASK


@shared_task(name=services.REBUILD_TASK)
def rebuild() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE) and a short while after new purchases."""
    return services.recommendations_rebuild()


@shared_task(name=PURCHASE_RECORDED_TASK)
def purchase_recorded(order_id: str, product_ids: list[str]) -> bool:
    """Queued through RecommendationClient.record_purchase for every paid order (checkout, on
    commit); repeats are harmless."""
    return services.purchase_record(order_id=order_id, product_ids=tuple(product_ids))
