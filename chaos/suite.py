"""One chaos run: the stack started, then for each fault in turn: a cart written, traffic
started, the fault injected for a fixed window and mended, the shop's recovery awaited, the
traffic stopped, and the books read until they balance (or a generous deadline passes)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from chaos.books import SentinelCart, settle
from chaos.faults import FAULTS, Fault, wait_recovered
from chaos.stack import ChaosStack, chaos_stack
from chaos.traffic import Tally, Traffic

LEAD_IN_SECONDS = 1.0  # traffic on the healthy shop before the fault
AFTER_SECONDS = 1.0  # traffic on the mended shop before it stops


@dataclass(frozen=True)
class Settings:
    window: float = 8.0  # seconds each fault lasts
    shoppers: int = 4  # threads following the traffic mix (a buyer thread comes on top)
    recovery_timeout: float = 60.0  # for the readiness probe to answer 200 again
    settle_timeout: float = 150.0  # for the books to balance (queues drained, orders resolved)
    faults: tuple[Fault, ...] = FAULTS


@dataclass
class Row:
    fault: str
    tally: Tally
    recovered_after: float | None  # seconds after the fault was mended; None: never
    problems: list[str] = field(default_factory=list)  # first seen after this fault
    carried: int = 0  # problems an earlier fault left, still open

    @property
    def balanced(self) -> bool:
        return not self.problems and not self.carried

    @property
    def passed(self) -> bool:
        """An earlier fault's problems count against that fault only."""
        recovered = self.recovered_after is not None
        return recovered and not self.problems and not self.tally.server_errors


def run(folder: Path, settings: Settings, progress=print) -> list[Row]:
    rows: list[Row] = []
    carts: list[SentinelCart] = []
    known: set[str] = set()
    started = time.monotonic()
    with chaos_stack(folder) as stack:
        progress(f"stack up at {stack.url} in {time.monotonic() - started:.0f} s; logs in {folder}")
        for number, fault in enumerate(settings.faults):
            started = time.monotonic()
            problems = []
            try:
                # Written while the shop is healthy: it must outlive this fault and every later
                # one. The quantity tells the carts apart.
                carts.append(SentinelCart.create(stack.url, "OLJCESPC7Z", number + 1))
            except requests.RequestException as error:
                problems.append(f"no cart could be written before the fault: {error}")
            traffic = Traffic(stack.url, shoppers=settings.shoppers, seed=number).start()
            time.sleep(LEAD_IN_SECONDS)
            fault.inject(stack, traffic)
            time.sleep(settings.window)
            fault.heal(stack)
            recovered = wait_recovered(stack, settings.recovery_timeout)
            problems += _restart_exited(stack)
            time.sleep(AFTER_SECONDS)
            tally = traffic.stop()
            open_problems = settle(
                stack.postgres.url,
                stack.mail.counter.per_order,
                stack.url,
                carts,
                timeout=settings.settle_timeout,
                known=frozenset(known),
            )
            problems += _restart_exited(stack)  # some exit a while after the fault
            problems += [
                f"one cart submitted twice became orders {' and '.join(orders)}"
                for orders in tally.twice_sold
            ]
            carried = [problem for problem in open_problems if problem in known]
            problems += [problem for problem in open_problems if problem not in known]
            known.update(open_problems)
            if recovered is None:
                problems.append("the shop never became ready again: the later faults were not run")
            rows.append(Row(fault.name, tally, recovered, problems, len(carried)))
            progress(f"{fault.name}: {tally.requests} requests, {tally.unavailable} 503, "
                     f"{tally.server_errors} 5xx, {tally.unanswered} unanswered, "
                     f"{len(problems)} new problems, {len(carried)} from earlier; "
                     f"{time.monotonic() - started:.0f} s")  # fmt: skip
            if recovered is None:
                break
    return rows


def _restart_exited(stack: ChaosStack) -> list[str]:
    """Starts again, as an orchestrator would, each of the shop's processes that exited, so the
    next fault meets a whole shop; returns the problem each exit is."""
    problems = []
    for name, code in stack.exited().items():
        problems.append(f"the {name} process exited ({code}); the suite started another")
        stack.start(name)
    return problems
