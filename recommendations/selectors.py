"""Read queries of the recommendations service."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .errors import InvalidProductIds
from .models import Neighbours
from .similarity import SCORE_DIGITS

MAX_RECOMMENDATIONS = 5
MAX_ASKED = 100
MAX_ID_LENGTH = 64


def product_ids_clean(product_ids: Sequence[str]) -> list[str]:
    if len(product_ids) > MAX_ASKED:
        raise InvalidProductIds(f"Ask about at most {MAX_ASKED} product ids.")
    if any(len(product_id) > MAX_ID_LENGTH for product_id in product_ids):
        raise InvalidProductIds(f"A product id is at most {MAX_ID_LENGTH} characters long.")
    return sorted({product_id.strip() for product_id in product_ids if product_id.strip()})


def recommendations_list(*, product_ids: Sequence[str]) -> list[str]:
    """Up to 5 active products alike to the asked ones, never one of them; the neighbours of
    several asked products are merged by summed score (then best position, then id); the most
    popular products fill the rest. One query on the precomputed table."""
    asked = product_ids_clean(product_ids)
    rows = dict(
        Neighbours.objects.filter(product_id__in=[*asked, Neighbours.POPULAR]).values_list(
            "product_id", "neighbours"
        )
    )
    excluded = set(asked)
    totals: dict[str, float] = defaultdict(float)
    positions: dict[str, int] = {}
    for product_id in asked:
        for position, (neighbour, score) in enumerate(rows.get(product_id, [])):
            if neighbour in excluded:
                continue
            totals[neighbour] += score
            positions[neighbour] = min(position, positions.get(neighbour, position))
    ranked = sorted(totals, key=lambda n: (-round(totals[n], SCORE_DIGITS), positions[n], n))[
        :MAX_RECOMMENDATIONS
    ]
    for popular, _purchases in rows.get(Neighbours.POPULAR, []):
        if len(ranked) >= MAX_RECOMMENDATIONS:
            break
        if popular not in excluded and popular not in ranked:
            ranked.append(popular)
    return ranked
