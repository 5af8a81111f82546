"""The service seams hold: a process that only calls a service remotely loads none of that
service's ORM modules through its client, yet a remote call still raises the service's own error
classes, as a local call does."""

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from shop.rpc.server import service_modules

ROOT = Path(__file__).resolve().parents[2]
# In a fresh interpreter: imports the app's client without django.setup() (an ORM module would
# fail to import there) and notes every module then loaded and the error codes the client knows;
# then sets Django up, imports the app's gRPC servicer (which reaches every error it can raise)
# and notes the app's error codes again.
PROBE = """
import importlib, json, sys

app = sys.argv[1]


def app_errors():
    from shop.errors import ShopError

    found, todo = {}, [ShopError]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        # A subclass without a code of its own is its parent's error on the wire.
        if cls.__module__.split(".")[0] == app and "code" in cls.__dict__:
            found[cls.code] = f"{cls.__module__}.{cls.__qualname__}"
    return found


importlib.import_module(f"{app}.client")
modules, known_to_client = sorted(sys.modules), app_errors()

import django

django.setup()
importlib.import_module(f"{app}.rpc")
print(json.dumps({"modules": modules, "client": known_to_client, "served": app_errors()}))
"""
APPS = sorted(service_modules())


@functools.cache
def probe(app: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, app], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("app", APPS)
def test_a_client_module_loads_no_orm_module(app):
    forbidden = {
        f"{other}.{module}"
        for other in APPS
        for module in ("models", "selectors", "services", "local")
    }
    assert not set(probe(app)["modules"]) & forbidden


@pytest.mark.parametrize("app", APPS)
def test_a_client_module_knows_every_error_its_service_raises(app):
    """A code the client has not registered would come back as its kind's base class."""
    found = probe(app)
    assert found["client"] == found["served"]
