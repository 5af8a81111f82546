"""`python -m stack` (`make stack`): starts the whole topology and supervises it until Ctrl-C.

The folder is `.stack/` in the repository (gitignored), or STACK_DIR; every port comes from its
variable (stack/topology.py), e.g. `PORT=9000 CART_SERVICE_PORT=7171 make stack`.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
from pathlib import Path

from stack.datastores import Postgres, load_secrets, redis_argv
from stack.supervisor import ROOT, Supervisor
from stack.topology import PYTHON, SERVICES, WEB_PORT, Process, ports, shared_env, shop_processes

START_SECONDS = 120  # thirteen Python processes importing Django at once on a small machine


def main() -> int:
    folder = Path(os.environ.get("STACK_DIR") or ROOT / ".stack").resolve()
    port_of = ports(os.environ)
    # Readable by others: as root, PostgreSQL runs as `postgres` and must reach its folder.
    for sub in ("", "tmp", "mail"):
        (folder / sub).mkdir(mode=0o755, parents=True, exist_ok=True)
    secrets = load_secrets(folder)
    postgres = Postgres(folder, port_of["POSTGRES_PORT"], secrets["POSTGRES_PASSWORD"])
    postgres.stop_leftover()
    taken = [f"{name}={port}" for name, port in port_of.items() if not _free(port)]
    if taken:
        leftovers = f"kill $(cat {folder}/pid/*)"
        print(f"already in use: {', '.join(taken)}; set these variables to other ports (or, if"
              f" a launcher was killed with -9, stop what it left: {leftovers})")  # fmt: skip
        return 1
    # SIGTERM stops the stack as Ctrl-C does; SIGHUP starts whatever is stopped again. SIGINT
    # is set too: a shell starting us in the background would have it ignored.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    restart = threading.Event()
    signal.signal(signal.SIGHUP, lambda *_: restart.set())
    supervisor = Supervisor(folder)
    try:
        _launch(folder, port_of, secrets, postgres, supervisor)
        while True:
            if restart.wait(0.5):
                restart.clear()
                supervisor.restart_stopped()
            supervisor.report_exits()
    except KeyboardInterrupt:
        supervisor.say("stack", "stopping (Ctrl-C again kills)")
        return 0
    finally:
        try:
            supervisor.stop([name for name in supervisor.running if name != "redis"])
            supervisor.stop(["redis"])
        except KeyboardInterrupt:
            supervisor.kill_all()
        postgres.stop()
        supervisor.say("stack", "stopped")


def _launch(folder, port_of, secrets, postgres: Postgres, supervisor: Supervisor) -> None:
    supervisor.say("stack", f"PostgreSQL on 127.0.0.1:{port_of['POSTGRES_PORT']} ({folder})")
    postgres.start()
    redis = redis_argv(folder, port_of["REDIS_PORT"], secrets["REDIS_PASSWORD"])
    supervisor.start(Process("redis", redis, dict(os.environ), port_of["REDIS_PORT"]))
    supervisor.wait_listening("redis", port_of["REDIS_PORT"], 30)
    env = shared_env(folder, secrets, port_of, os.environ)
    for command in (["migrate", "--no-input", "-v", "0"], ["load_demo"]):
        supervisor.run_once("setup", [PYTHON, "manage.py", *command], env)
    processes = shop_processes(env, port_of, folder)
    for process in processes:
        supervisor.start(process)
    for process in processes:
        if process.port is not None:
            supervisor.wait_listening(process.name, process.port, START_SECONDS)
    web = port_of[WEB_PORT[0]]
    for s in SERVICES:
        address = f"127.0.0.1:{port_of[s.port_variable]}"
        supervisor.say("stack", f"{s.app:<16} {address:<16} {s.addr_variable}")
    supervisor.say("stack", f"the shop: http://127.0.0.1:{web}/  (Ctrl-C stops everything)")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        # As the servers do: a port whose last connections linger in TIME_WAIT is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
