"""`make stack` for real: `python -m stack` boots the whole topology on free ports (PostgreSQL,
Redis, nine grpcserve processes, gunicorn, a Celery worker and beat), a customer checks out
through it, then single services are killed and brought back while the others run on."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from stack.topology import SERVICES, ports
from testing.fixtures import FORM
from testing.servers import free_port, wait_for_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = "OLJCESPC7Z"
UNSEEN_PRODUCT = "6E92ZMYYFZ"
# A busy two-core machine: bounds generous enough never to be the reason a run fails.
BOOT_SECONDS = 240
DEADLINE_SECONDS = 3  # GRPC_DEADLINE_SECONDS, its retries included
SLOW_ANSWER = DEADLINE_SECONDS + 12  # the deadline plus the page's own work on a loaded machine


class Launched:
    def __init__(self, folder: Path, env: dict[str, str], launcher: subprocess.Popen):
        self.folder, self.env, self.launcher = folder, env, launcher
        self.url = f"http://127.0.0.1:{env['PORT']}"

    def pids(self) -> dict[str, int]:
        return {p.name: int(p.read_text()) for p in (self.folder / "pid").iterdir()}

    def log(self) -> str:
        return (self.folder / "launcher.log").read_text()


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting for its parent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not after {timeout}s: {what}"
        time.sleep(0.2)


@pytest.fixture
def launched():
    # Not under pytest's tmp_path: as root, PostgreSQL runs as `postgres` and must reach it.
    folder = Path(tempfile.mkdtemp(prefix="boutique-stack-"))
    folder.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    env |= {name: str(free_port()) for name in ports({})}
    env |= {"STACK_DIR": str(folder), "GRPC_DEADLINE_SECONDS": str(DEADLINE_SECONDS)}
    with open(folder / "launcher.log", "w") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "stack"], cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    stack = Launched(folder, env, launcher)
    try:
        _wait_for(lambda: "the shop: " in stack.log() or launcher.poll() is not None,
                  BOOT_SECONDS, "the stack ready")  # fmt: skip
        assert launcher.poll() is None, stack.log()
        yield stack
    finally:
        pids = stack.pids() if (folder / "pid").exists() else {}
        launcher.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            code = launcher.wait(60)
        finally:
            if launcher.poll() is None:
                launcher.kill()
        stopped_pids = [name for name, pid in pids.items() if _alive(pid)]
        postgres_port = int(env["POSTGRES_PORT"])
        shutil.rmtree(folder, ignore_errors=True)
    assert code == 0 and not stopped_pids, stack.log()[-3000:]
    with pytest.raises(TimeoutError):  # PostgreSQL stopped too
        wait_for_port(postgres_port, timeout=0.5)


def _check_out(session: requests.Session, url: str) -> str:
    added = session.post(f"{url}/cart", {"product_id": PRODUCT, "quantity": "1"},
                         allow_redirects=False, timeout=30)  # fmt: skip
    assert added.status_code == 302, added.text
    cart = session.get(f"{url}/cart", timeout=30)
    assert cart.status_code == 200 and f"/product/{PRODUCT}" in cart.text
    confirmation = session.post(f"{url}/cart/checkout", FORM, timeout=60)
    assert confirmation.status_code == 200, confirmation.text
    order_link = re.search(r'href="(/order/[^"]+)"', confirmation.text)
    assert order_link, confirmation.text
    order = session.get(url + order_link.group(1).replace("&amp;", "&"), timeout=30)
    assert order.status_code == 200 and "tracking-id" in order.text
    return order_link.group(1)


def _timed_get(session: requests.Session, url: str) -> tuple[int, float, str]:
    started = time.monotonic()
    answer = session.get(url, timeout=60)
    return answer.status_code, time.monotonic() - started, answer.text


def test_the_stack_serves_a_journey_survives_one_service_down_and_recovers(launched):
    url = launched.url
    shopper = requests.Session()
    home = shopper.get(f"{url}/", timeout=30)
    assert home.status_code == 200 and 'class="cart-size"' in home.text
    assert shopper.get(f"{url}/product/{PRODUCT}", timeout=30).status_code == 200
    _check_out(shopper, url)
    assert len(launched.pids()) == len(SERVICES) + 4  # + redis, web, worker, beat
    before = launched.pids()

    # The cart service dies: the cart page says so with a 503 within the deadline...
    os.kill(before["cart"], signal.SIGKILL)
    _wait_for(lambda: not _alive(before["cart"]), 30, "the cart service gone")
    status, seconds, _ = _timed_get(shopper, f"{url}/cart")
    assert status == 503 and seconds < SLOW_ANSWER, (status, seconds)
    # ...while the pages that do not need it still answer, without the cart's size.
    for page in ("/", f"/product/{PRODUCT}"):
        status, seconds, html = _timed_get(shopper, url + page)
        assert status == 200 and seconds < SLOW_ANSWER, (page, status, seconds)
        assert 'class="cart-size"' not in html

    # The optional widgets' services die too: a product page goes on without them (one not
    # seen yet: recommendations are cached with the page, by design).
    for name in ("ads", "recommendations"):
        os.kill(before[name], signal.SIGKILL)
        _wait_for(lambda name=name: not _alive(before[name]), 30, f"{name} gone")
    status, seconds, page = _timed_get(shopper, f"{url}/product/{UNSEEN_PRODUCT}")
    assert status == 200 and seconds < SLOW_ANSWER, (status, seconds)
    assert 'class="ad-banner"' not in page and 'class="recommendations"' not in page
    assert "cart exited" in launched.log()

    # SIGHUP brings back what is down, and only that.
    launched.launcher.send_signal(signal.SIGHUP)
    back = ("cart", "ads", "recommendations")
    _wait_for(lambda: all(launched.pids()[n] != before[n] for n in back), 30, "restarted")
    for service in SERVICES:
        wait_for_port(int(launched.env[service.port_variable]), timeout=120)
    after = launched.pids()
    assert {n: p for n, p in after.items() if n not in back} == {
        n: p for n, p in before.items() if n not in back
    }
    assert all(_alive(pid) for pid in after.values())
    # The web's channel reconnects by itself (gRPC's reconnect back-off, hence the wait).
    _wait_for(lambda: shopper.get(f"{url}/cart", timeout=30).status_code == 200, 60,
              "the cart page back")  # fmt: skip
    _check_out(shopper, url)
