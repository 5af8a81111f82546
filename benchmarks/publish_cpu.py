"""CPU of one task publish (`shop.tasks.enqueue`) on a real Redis broker, with Celery reading its
settings from the dict copy (shop/celery_config.py) or, as `config_from_object(
"django.conf:settings")` had it, through Django's settings object; the two measured in turns in
one process, so the ratio holds on a busy machine.

    python benchmarks/publish_cpu.py [--publishes 500] [--rounds 8]

Prints µs of this thread's CPU per publish for each round and source, their medians, and the
ratio copy / settings object per round."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testing.servers import RedisServer  # noqa: E402

TASK = "checkout.tasks.order_completed"
ORDER_ID = "0b1c2d3e-aaaa-bbbb-cccc-123456789012"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--publishes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    redis_server = RedisServer()
    try:
        _measure(redis_server.url, args.publishes, args.rounds)
    finally:
        redis_server.stop()


def _measure(redis_url: str, publishes: int, rounds: int) -> None:
    broker_url = redis_url.rsplit("/", 1)[0] + "/1"
    os.environ.update(DJANGO_SETTINGS_MODULE="shop.settings", SECRET_KEY="bench-" + "x" * 40,
                      DEBUG="false", LOG_LEVEL="WARNING", ENV_FILE=os.devnull,
                      REDIS_URL=redis_url, CELERY_BROKER_URL=broker_url)  # fmt: skip
    import django

    django.setup()
    import redis
    from celery.utils.collections import DictAttribute
    from django.conf import settings

    from shop.celery import app
    from shop.celery_config import SETTINGS
    from shop.tasks import enqueue

    broker = redis.Redis.from_url(broker_url)
    app.conf.finalize()
    where = next(i for i, found in enumerate(app.conf.maps) if found is SETTINGS)
    sources = {"copy": SETTINGS, "settings object": DictAttribute(settings)}
    spent: dict[str, list[float]] = {name: [] for name in sources}
    for _ in range(100):  # connections, pools and caches made
        enqueue(TASK, ORDER_ID)
    try:
        for number in range(rounds):
            order = list(sources) if number % 2 == 0 else list(reversed(sources))
            for name in order:
                app.conf.maps[where] = sources[name]
                started = time.thread_time()
                for _ in range(publishes):
                    enqueue(TASK, ORDER_ID)
                spent[name].append((time.thread_time() - started) * 1e6 / publishes)
                broker.flushdb()
    finally:
        app.conf.maps[where] = SETTINGS
    for name, values in spent.items():
        shown = " ".join(f"{value:.0f}" for value in values)
        print(f"{name}: median {statistics.median(values):.0f} µs per publish ({shown})")
    pairs = zip(spent["copy"], spent["settings object"], strict=True)
    ratios = [copy / other for copy, other in pairs]
    print("copy / settings object per round:", " ".join(f"{ratio:.2f}" for ratio in ratios))


if __name__ == "__main__":
    main()
