"""The faults, injected in turn: each breaks one part of the stack for a fixed window while the
traffic goes on, then mends it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from chaos.stack import ChaosStack
from chaos.traffic import Traffic

CHECKOUT_WAIT_SECONDS = 10.0
INTO_CHECKOUT_SECONDS = 0.04


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[ChaosStack, Traffic], None]
    heal: Callable[[ChaosStack], None]


def _nothing(*_: object) -> None:
    pass


def _broker_restart(stack: ChaosStack, traffic: Traffic) -> None:
    """Redis is the broker: stopped and started again at once, its append-only file reloaded."""
    stack.redis.halt()
    stack.redis.start()


def _web_worker_kill(stack: ChaosStack, traffic: Traffic) -> None:
    """Mid-checkout: the worker serving the buyer's checkout, a moment after it started (a
    checkout takes about 70 ms here: the card is likely charged, the order not yet paid)."""
    if traffic.buyer_checking_out.wait(CHECKOUT_WAIT_SECONDS):
        time.sleep(INTO_CHECKOUT_SECONDS)
    stack.kill_web_worker(traffic.buyer_port)


FAULTS = (
    Fault("none (baseline)", _nothing, _nothing),
    Fault("Redis stopped", lambda s, _: s.redis.halt(), lambda s: s.redis.start()),
    Fault("Redis hung (SIGSTOP)", lambda s, _: s.redis.pause(), lambda s: s.redis.resume()),
    Fault("PostgreSQL stopped", lambda s, _: s.postgres.halt(), lambda s: s.postgres.start()),
    Fault("gunicorn worker kill -9", _web_worker_kill, _nothing),
    # The new worker comes at the end of the window, as an orchestrator would start one.
    Fault("Celery worker kill -9", lambda s, _: s.kill_worker(), lambda s: s.start("worker")),
    Fault("broker restarted", _broker_restart, _nothing),
)


def by_name(names: list[str]) -> list[Fault]:
    known = {fault.name: fault for fault in FAULTS}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown faults {unknown}; known: {list(known)}")
    return [known[name] for name in names]


def wait_recovered(stack: ChaosStack, timeout: float) -> float | None:
    """Seconds until the shop answers its readiness probe again, or None if it never did."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if stack.ready():
            return time.monotonic() - started
        time.sleep(0.2)
    return None
