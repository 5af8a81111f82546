"""The faults, injected in turn: each breaks one part of the stack for a fixed window while the
traffic goes on, then mends it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from chaos.stack import ChaosStack


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[ChaosStack], None]
    heal: Callable[[ChaosStack], None]


def _nothing(stack: ChaosStack) -> None:
    pass


def _broker_restart(stack: ChaosStack) -> None:
    """Redis is the broker: stopped and started again at once, its append-only file reloaded."""
    stack.redis.halt()
    stack.redis.start()


def _worker_restart(stack: ChaosStack) -> None:
    stack.start("worker")


FAULTS = (
    Fault("none (baseline)", _nothing, _nothing),
    Fault("Redis stopped", lambda s: s.redis.halt(), lambda s: s.redis.start()),
    Fault("Redis hung (SIGSTOP)", lambda s: s.redis.pause(), lambda s: s.redis.resume()),
    Fault("PostgreSQL stopped", lambda s: s.postgres.halt(), lambda s: s.postgres.start()),
    Fault("gunicorn worker kill -9", lambda s: s.kill_web_worker(), _nothing),
    # The new worker comes at the end of the window, as an orchestrator would start one.
    Fault("Celery worker kill -9", lambda s: s.kill_worker(), _worker_restart),
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
