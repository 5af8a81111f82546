"""The service seam holds: a process that only calls a service remotely loads none of that
service's ORM modules through its client."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shop.rpc.server import service_modules

ROOT = Path(__file__).resolve().parents[2]
# Imports the named modules in a fresh interpreter, without django.setup() (an ORM module would
# fail to import there), and prints every module then loaded.
IMPORT_ONLY = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""
APPS = sorted(service_modules())


def modules_loaded_by(*names: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ONLY, *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


@pytest.mark.parametrize("app", APPS)
def test_a_client_module_loads_no_orm_module(app):
    loaded = modules_loaded_by(f"{app}.client")
    forbidden = {
        f"{other}.{module}"
        for other in APPS
        for module in ("models", "selectors", "services", "local")
    }
    assert not loaded & forbidden
