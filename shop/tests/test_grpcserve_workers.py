"""`grpcserve --workers N`: N server processes share one port (SO_REUSEPORT), each answering the
connections the kernel gives it; SIGTERM stops them all, and a worker that dies stops the rest
(the orchestrator then restarts the whole server)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from testing.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60  # generous: the machine is busy


@pytest.fixture
def shop_env(tmp_path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.endswith("_SERVICE_ADDR")}
    env.pop("REDIS_URL", None)
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}", "ENV_FILE": os.devnull}
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
    return env


@pytest.fixture
def two_workers(shop_env, tmp_path):
    port = free_port()
    log = open(tmp_path / "grpcserve.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "grpcserve", "currency", "--port", str(port),
         "--workers", "2"],
        cwd=ROOT, env=shop_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_port(port, timeout=WAIT_SECONDS)
        yield server, f"127.0.0.1:{port}"
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=WAIT_SECONDS)
        log.close()


def workers_of(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
    return [int(pid) for pid in children.split()]


def convert(address: str) -> pb.Money:
    # A connection of its own each time: the kernel spreads connections, not calls.
    options = [("grpc.use_local_subchannel_pool", 1)]
    with grpc.insecure_channel(address, options=options) as channel:
        request = pb.CurrencyConversionRequest(
            **{"from": pb.Money(currency_code="EUR", units=1)}, to_code="USD"
        )
        return pb_grpc.CurrencyServiceStub(channel).Convert(request, timeout=WAIT_SECONDS)


def test_two_workers_serve_one_port_and_stop_on_sigterm(two_workers):
    server, address = two_workers
    assert len(workers_of(server)) == 2
    answers = {convert(address).units for _ in range(8)}
    assert answers == {1}  # 1 EUR = 1.1305 USD
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=WAIT_SECONDS) == 0


def test_a_worker_that_dies_stops_the_server_with_an_error(two_workers):
    server, address = two_workers
    os.kill(workers_of(server)[0], signal.SIGKILL)
    assert server.wait(timeout=WAIT_SECONDS) != 0
