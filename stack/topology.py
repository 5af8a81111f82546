"""What runs in the stack: every process's command line and environment, from the ports.

Pure data (no process is started here), so the launcher and its test agree on one topology.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable


@dataclass(frozen=True)
class Service:
    app: str  # the app `grpcserve` serves
    addr_variable: str  # how the other processes find it
    port_variable: str  # how `make stack` is told another port
    default_port: int


# The design's ports, but shipping's: in Kubernetes it shares 50051 with payments on another
# pod's address, which one loopback interface cannot do.
SERVICES = (
    Service("catalog", "PRODUCT_CATALOG_SERVICE_ADDR", "PRODUCT_CATALOG_SERVICE_PORT", 3550),
    Service("cart", "CART_SERVICE_ADDR", "CART_SERVICE_PORT", 7070),
    Service("currency", "CURRENCY_SERVICE_ADDR", "CURRENCY_SERVICE_PORT", 7000),
    Service("payments", "PAYMENT_SERVICE_ADDR", "PAYMENT_SERVICE_PORT", 50051),
    Service("shipping", "SHIPPING_SERVICE_ADDR", "SHIPPING_SERVICE_PORT", 50052),
    Service("notifications", "EMAIL_SERVICE_ADDR", "EMAIL_SERVICE_PORT", 5000),
    Service("checkout", "CHECKOUT_SERVICE_ADDR", "CHECKOUT_SERVICE_PORT", 5050),
    Service("recommendations", "RECOMMENDATION_SERVICE_ADDR", "RECOMMENDATION_SERVICE_PORT", 8081),
    Service("ads", "AD_SERVICE_ADDR", "AD_SERVICE_PORT", 9555),
)
# Away from the usual 5432 and 6379, so a PostgreSQL or Redis of the machine's own can stay.
DATASTORE_PORTS = {"POSTGRES_PORT": 55432, "REDIS_PORT": 56379}
WEB_PORT = ("PORT", 8080)


@dataclass(frozen=True)
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    port: int | None  # the one it listens on, when it does


def ports(environ: Mapping[str, str]) -> dict[str, int]:
    """Every port by its variable, the environment's value over the default."""
    defaults = {service.port_variable: service.default_port for service in SERVICES}
    defaults |= DATASTORE_PORTS | dict([WEB_PORT])
    return {name: int(environ.get(name, default)) for name, default in defaults.items()}


def shop_processes(
    shared_env: dict[str, str], port_of: dict[str, int], folder: Path
) -> list[Process]:
    """The nine services, then the web, the worker and beat. Each service gets the address of
    every other (never its own: what it serves it calls in-process); the rest get all nine."""
    addresses = {s.addr_variable: f"127.0.0.1:{port_of[s.port_variable]}" for s in SERVICES}
    processes = []
    for service in SERVICES:
        others = {k: v for k, v in addresses.items() if k != service.addr_variable}
        port = port_of[service.port_variable]
        argv = [PYTHON, "manage.py", "grpcserve", service.app, "--port", str(port)]
        processes.append(Process(service.app, argv, shared_env | others, port))
    web_port = port_of[WEB_PORT[0]]
    web = [PYTHON, "-m", "gunicorn", "shop.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
           "--workers", "2", "--threads", "4",
           # Its own, not the one in $HOME that every gunicorn of this user would share.
           "--control-socket", str(folder / "gunicorn.ctl")]  # fmt: skip
    worker = [PYTHON, "-m", "celery", "-A", "shop", "worker", "--concurrency", "2",
              "--loglevel", "INFO"]  # fmt: skip
    beat = [PYTHON, "-m", "celery", "-A", "shop", "--quiet", "beat", "--loglevel", "INFO",
            "--schedule", str(folder / "celerybeat-schedule")]  # fmt: skip
    everyone = shared_env | addresses
    processes += [
        Process("web", web, everyone, web_port),
        Process("worker", worker, everyone, None),
        Process("beat", beat, everyone, None),
    ]
    return processes


def shared_env(
    folder: Path, secrets: dict[str, str], port_of: dict[str, int], environ: Mapping[str, str]
) -> dict[str, str]:
    """What every shop process gets: the machine's environment without any *_SERVICE_ADDR of
    its own (the stack sets those), the stack's data stores over any set in the environment,
    loopback HTTP and a folder of its own for the Celery probe files, so two stacks (or a stack
    and the tests) never share them."""
    env = {k: v for k, v in environ.items() if not k.endswith("_SERVICE_ADDR")}
    # One metrics port for thirteen processes would be taken by the first of them.
    env = {k: v for k, v in env.items() if k not in ("METRICS_PORT", "WORKER_METRICS_PORT")}
    web = f"http://127.0.0.1:{port_of[WEB_PORT[0]]}"
    redis = f"redis://:{secrets['REDIS_PASSWORD']}@127.0.0.1:{port_of['REDIS_PORT']}/0"
    return env | {
        "SECRET_KEY": secrets["SECRET_KEY"],
        "DEBUG": "false",
        "HTTPS_ONLY": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": web,
        "ENV_FILE": os.devnull,  # the embedded shop's .env must not leak in
        "DATABASE_URL": (
            f"postgres://boutique:{secrets['POSTGRES_PASSWORD']}"
            f"@127.0.0.1:{port_of['POSTGRES_PORT']}/boutique"
        ),
        "REDIS_URL": redis,
        "CELERY_BROKER_URL": redis,
        # django-environ drops one leading slash of the path: four make it absolute.
        "EMAIL_URL": f"filemail:///{folder / 'mail'}",
        "LOG_FORMAT": environ.get("LOG_FORMAT", "text"),
        "TMPDIR": str(folder / "tmp"),
    }
