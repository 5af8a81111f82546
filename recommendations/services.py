"""Operations of the recommendations service: all its business rules live here."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.client import catalog_client
from shop.statements import one_statement
from shop.tasks import enqueue, running_eagerly

from .errors import InvalidPurchase
from .models import Basket, Neighbours
from .similarity import Item, neighbours

NEIGHBOURS_PER_PRODUCT = 20
POPULAR_KEPT = 50
MAX_BASKET_SIZE = 500
MAX_ID_LENGTH = 64
# Orders arriving close together are folded into one rebuild this many seconds after the first.
REBUILD_DELAY_SECONDS = 30
REBUILD_PENDING_KEY = "recommendations:rebuild-pending"
# The rebuild (recommendations/tasks.py and the beat schedule) is queued by this name.
REBUILD_TASK = "recommendations.tasks.rebuild"
# Without a worker (Celery eager, the embedded shop) a rebuild runs inside the checkout request
# that queued it and the countdown is ignored, so orders trigger at most one rebuild per
# RECOMMENDATIONS_EAGER_REBUILD_SECONDS; beat is not running there either, so the first order
# after the interval brings the table up to date.
EAGER_REBUILD_KEY = "recommendations:eager-rebuild"
EAGER_REBUILD_SECONDS_DEFAULT = 600


def purchase_record(*, order_id: str, product_ids: Sequence[str]) -> bool:
    """Stores an order's products as a basket, once per order id (a repeat changes nothing);
    returns whether it was new. A new basket schedules a rebuild of the table."""
    order_id = order_id.strip()
    if not order_id or len(order_id) > MAX_ID_LENGTH:
        raise InvalidPurchase(f"An order id is 1 to {MAX_ID_LENGTH} characters long.")
    ids = sorted({product_id.strip() for product_id in product_ids})
    if not ids or "" in ids:
        raise InvalidPurchase("A purchase has at least one product, and every id is non-empty.")
    if len(ids) > MAX_BASKET_SIZE or any(len(product_id) > MAX_ID_LENGTH for product_id in ids):
        raise InvalidPurchase(
            f"A purchase has at most {MAX_BASKET_SIZE} products with ids of up to "
            f"{MAX_ID_LENGTH} characters."
        )
    # The insert is the check (order_id is unique): one statement in the worker's autocommit
    # where get_or_create in a transaction of its own made six (BEGIN, SELECT, SAVEPOINT,
    # INSERT, RELEASE, COMMIT); inside a caller's transaction, a savepoint around it.
    try:
        with one_statement():
            Basket.objects.create(order_id=order_id, product_ids=ids)
    except IntegrityError:
        return False  # recorded before (or by a concurrent twin)
    transaction.on_commit(recommendations_rebuild_soon)
    return True


def recommendations_rebuild_soon() -> None:
    """Queues one rebuild for all the orders of the next REBUILD_DELAY_SECONDS (with Celery
    eager: runs one now, unless one ran in the last RECOMMENDATIONS_EAGER_REBUILD_SECONDS)."""
    if running_eagerly():
        interval = getattr(
            settings, "RECOMMENDATIONS_EAGER_REBUILD_SECONDS", EAGER_REBUILD_SECONDS_DEFAULT
        )
        if cache.add(EAGER_REBUILD_KEY, True, timeout=interval):
            enqueue(REBUILD_TASK)
    elif cache.add(REBUILD_PENDING_KEY, True, timeout=REBUILD_DELAY_SECONDS * 20):
        enqueue(REBUILD_TASK, countdown=REBUILD_DELAY_SECONDS)


def recommendations_rebuild() -> int:
    """Recomputes the neighbour table from the active catalog and every basket; returns how many
    products it covers. The catalog is read before the transaction (no lock is held across a
    call to another service); the table is swapped in one transaction."""
    cache.delete(REBUILD_PENDING_KEY)
    items = [
        Item(
            id=product.id,
            name=product.name,
            description=product.description,
            categories=frozenset(product.categories),
        )
        for product in catalog_client().list_products()
    ]
    baskets = Basket.objects.order_by("order_id").values_list("product_ids", flat=True)
    table, popular = neighbours(items, list(baskets), limit=NEIGHBOURS_PER_PRODUCT)
    built_at = timezone.now()
    rows = [
        Neighbours(product_id=product_id, neighbours=entries, built_at=built_at)
        for product_id, entries in table.items()
    ]
    rows.append(
        Neighbours(
            product_id=Neighbours.POPULAR, neighbours=popular[:POPULAR_KEPT], built_at=built_at
        )
    )
    with transaction.atomic():
        Neighbours.objects.all().delete()
        Neighbours.objects.bulk_create(rows, batch_size=500)
    return len(table)
