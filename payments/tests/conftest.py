import threading
from datetime import date

import pytest

from payments import gateways
from shop.dto import CreditCard

VISA = "4111111111111111"
CVV = "7295"


def card(number: str = VISA, *, cvv: str = CVV, month: int = 12, year: int | None = None):
    return CreditCard(
        number=number,
        cvv=cvv,
        expiration_month=month,
        expiration_year=year or date.today().year + 2,
    )


class CountingGateway(gateways.SimulatedGateway):
    """The simulated processor, counting the charges that reach it (thread-safe)."""

    name = "counting"
    # It stands for an outside processor (it can hold or fail a charge): the claim comes first.
    in_process = False

    def __init__(self, *, hold: threading.Event | None = None, fail: Exception | None = None):
        self.charges = 0
        self.hold = hold
        self.fail = fail
        self._lock = threading.Lock()

    def charge(self, **kwargs):
        with self._lock:
            self.charges += 1
        if self.fail:
            raise self.fail
        if self.hold:
            # Keeps the first charge in flight until the test lets it go.
            self.hold.wait(10)
        return super().charge(**kwargs)


@pytest.fixture
def counting_gateway(settings, monkeypatch):
    """Installs a CountingGateway as the configured PAYMENT_GATEWAY (a real gateway is not
    reachable from tests; this one is the real simulated processor plus a counter)."""

    def install(**options) -> CountingGateway:
        gateway = CountingGateway(**options)
        monkeypatch.setitem(gateways.GATEWAYS, "counting", lambda: gateway)
        settings.PAYMENT_GATEWAY = "counting"
        return gateway

    return install
