"""gunicorn.conf.py preloads the shop in the master, so the workers share its imported modules,
except when tracing is on (docs/decisions.md, "Gunicorn preloads the shop")."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Read in a fresh interpreter: the file reads the settings, which read the environment, once.
READ_PRELOAD = "import runpy; print(runpy.run_path('gunicorn.conf.py')['preload_app'])"


def preload_app(**env: str) -> bool:
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("OTEL_")}
    environment = {**inherited, "SECRET_KEY": "x" * 50, "ENV_FILE": os.devnull, **env}
    shown = subprocess.run(
        [sys.executable, "-c", READ_PRELOAD],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return {"True": True, "False": False}[shown.stdout.strip()]


def test_the_master_loads_the_shop_once_for_its_workers():
    assert preload_app() is True


@pytest.mark.parametrize(
    ("env", "preloaded"),
    [
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"}, False),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "OTEL_SDK_DISABLED": "true"},
            True,
        ),
    ],
)
def test_each_worker_loads_the_shop_itself_when_tracing_exports(env, preloaded):
    # The exporter's gRPC channel and thread, made in the master, would not survive the fork.
    assert preload_app(**env) is preloaded
