"""The delay before retrying background work (Celery tasks); remote calls have gRPC's own."""

import random


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)], so the many
    tasks that failed together do not all come back together."""
    return random.uniform(0, min(cap, base * 2**attempt))
