"""gunicorn.conf.py preloads the shop in the master, so the workers share its imported modules,
except when tracing is on (docs/decisions.md, "Gunicorn preloads the shop"); and its logger
neither writes nor formats an access log."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from shop.observability.gunicorn_logging import WithoutAccessLog

ROOT = Path(__file__).resolve().parents[2]
# Read in a fresh interpreter: the file reads the settings, which read the environment, once.
READ_SETTING = "import runpy, sys; print(runpy.run_path('gunicorn.conf.py')[sys.argv[1]])"


def gunicorn_setting(name: str, **env: str) -> str:
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("OTEL_")}
    environment = {**inherited, "SECRET_KEY": "x" * 50, "ENV_FILE": os.devnull, **env}
    shown = subprocess.run(
        [sys.executable, "-c", READ_SETTING, name],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return shown.stdout.strip()


def preload_app(**env: str) -> bool:
    return {"True": True, "False": False}[gunicorn_setting("preload_app", **env)]


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


def test_gunicorn_logs_through_a_logger_without_access_log():
    configured = gunicorn_setting("logger_class")
    assert Config().logger_class.__name__ == "Logger"  # gunicorn's default, for contrast
    assert configured == f"{WithoutAccessLog.__module__}.{WithoutAccessLog.__name__}"


@pytest.mark.parametrize(("logger_class", "formats"), [(Logger, True), (WithoutAccessLog, False)])
def test_no_access_log_fields_are_formatted_per_request(logger_class, formats, monkeypatch):
    # gunicorn's own Logger formats each response's fields whenever a logging configuration is
    # given (the shop's is), even though the access logger goes nowhere.
    config = Config()
    config.set("logconfig_dict", {"version": 1})
    logger = logger_class.__new__(logger_class)  # without setup(): it would reconfigure logging
    logger.cfg = config
    logger.access_log = logging.Logger("nowhere", level=logging.CRITICAL)
    formatted = []
    monkeypatch.setattr(logger_class, "atoms", lambda self, *args: formatted.append(args) or {})
    logger.access(resp=None, req=None, environ={}, request_time=None)
    assert bool(formatted) is formats
