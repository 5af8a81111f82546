"""The production log line, byte for byte: what the shop's configured handler writes for each kind
of record it sees (its own request, call and task lines, exceptions, Django's, Celery's,
gunicorn's and grpc's records) is what python-json-logger's stock path writes, and what logging's
switches (shop/observability/logs.py, gather_for_level) leave out is nothing any line prints.
docs/decisions.md, "Logs: the production line's cost"."""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import sys
import uuid
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from shop.observability import logs, requestid
from shop.observability.logs import ContextFilter, JsonLineFormatter, text_formatter

REPOSITORY = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "node_modules", ".git", "tests", "__pycache__"}
# 2026-12-01T21:30:05.123456+00:00: every record made here gets this time, so lines compare.
CREATED = 1796160605.123456


class StockJsonLine(JsonFormatter):
    """The formatter as it was before it was made cheaper: python-json-logger's own add_fields and
    json.dumps, with the same options and the timestamp first. Spelled out here, not taken from
    the formatter under test, so that a change of its options fails."""

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "request"],
        )

    def add_fields(self, log_data, record, message_dict) -> None:
        created = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
        log_data["timestamp"] = created.isoformat(timespec="milliseconds")
        super().add_fields(log_data, record, message_dict)


class Records(logging.Handler):
    """Keeps what reaches the root logger, after the shop's context filter, as the console
    handler would see it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(ContextFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.created, record.msecs = CREATED, 123.0
        self.records.append(record)


@pytest.fixture
def switches():
    """Logging's module switches as they were, whatever a test sets."""
    names = ("_srcfile", "logThreads", "logProcesses", "logMultiprocessing")
    saved = {name: getattr(logging, name) for name in names}
    yield
    for name, value in saved.items():
        setattr(logging, name, value)


@pytest.fixture
def records(switches):
    handler = Records()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    token = requestid.bind("3f1c9a52-order-1")
    try:
        yield handler.records
    finally:
        requestid.unbind(token)
        root.removeHandler(handler)
        root.setLevel(level)


class Unencodable:
    def __str__(self) -> str:
        return "<something of a library's>"


def _log_every_kind(rf) -> None:
    """One record of each kind the shop's processes write."""
    logging.getLogger("shop.http").info(
        "%s %s %s %.1fms", "POST", "/cart/checkout", 200, 229.73,
        extra={"method": "POST", "route": "/cart/checkout", "status": 200, "duration_ms": 229.7},
    )  # fmt: skip
    logging.getLogger("shop.http").info(
        "%s %s %s %.1fms", "GET", "(no route)", 404, 1.0,
        extra={"method": "GET", "route": None, "status": 404, "duration_ms": 1.0},
    )  # fmt: skip
    logging.getLogger("shop.grpc").info(
        "%s %s %.1fms", "/hipstershop.PaymentService/Charge", "INVALID_ARGUMENT", 0.4,
        extra={"rpc": "/hipstershop.PaymentService/Charge", "code": "INVALID_ARGUMENT",
               "duration_ms": 0.4},
    )  # fmt: skip
    logging.getLogger("shop.task").info(
        "%s %s %.1fms", "checkout.tasks.order_completed", "SUCCESS", 12.5,
        extra={"task": "checkout.tasks.order_completed", "outcome": "SUCCESS", "duration_ms": 12.5},
    )  # fmt: skip
    try:
        raise ValueError('Ünïcode and "quotes"\nand a second line')
    except ValueError:
        logging.getLogger("payments.services").exception("Charge failed for %s", "order-1")
    # Django's report of a 4xx/5xx, with the request (its repr holds the query string).
    logging.getLogger("django.request").warning(
        "Not Found: %s", "/order/x",
        extra={"status_code": 404, "request": rf.get("/order/x?token=secret-token")},
    )  # fmt: skip
    # Celery's task lines carry a `data` dict.
    logging.getLogger("celery.app.trace").info(
        "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
        {"name": "notifications.tasks.email_send", "id": "a1b2", "runtime": 0.01,
         "return_value": None},
        extra={"data": {"id": "a1b2", "name": "notifications.tasks.email_send", "args": ("7",),
                        "runtime": 0.01}},
    )  # fmt: skip
    logging.getLogger("gunicorn.error").info("Booting worker with pid: %s", 4242)
    try:
        {}["missing"]
    except KeyError:
        logging.getLogger("grpc._server").exception("Exception calling application: %s", "x")
    # A dict as the message, values json cannot encode by itself, keys it renames or skips.
    logging.getLogger("shop.somewhere").warning({"levelname": "dict", "amount": Decimal("1.10")})
    logging.getLogger("shop.somewhere").error(
        "odd extras",
        extra={"when": datetime.date(2026, 12, 1), "id": uuid.UUID(int=7), "blob": b"\x00\xff",
               "thing": Unencodable(), "kind": ValueError, "_private": 1, 3: "a number as key"},
    )  # fmt: skip
    logging.getLogger("shop.somewhere").debug("a debug line with its stack", stack_info=True)
    # A Python warning, as logging.captureWarnings logs it.
    text = warnings.formatwarning("a library's warning", UserWarning, "/lib/x.py", 7)
    logging.getLogger("py.warnings").warning("%s", text)


def test_every_kind_of_record_is_written_as_python_json_logger_writes_it(records, rf):
    logs.gather_for_level(logging.DEBUG)  # the record with its stack gets it
    _log_every_kind(rf)
    assert records[11].stack_info
    assert len(records) == 13
    configured, stock = JsonLineFormatter(), StockJsonLine()
    for record in records:
        assert configured.format(record) == stock.format(record)


def test_the_lines_operators_rely_on(records, rf):
    """Golden lines: a field renamed, moved or dropped fails here, whatever the stock path does."""
    _log_every_kind(rf)
    lines = [JsonLineFormatter().format(record) for record in records]
    prefix = '{"timestamp": "2026-12-01T21:30:05.123+00:00", "level": '
    assert lines[0] == prefix + (
        '"INFO", "logger": "shop.http", "message": "POST /cart/checkout 200 229.7ms", '
        '"method": "POST", "route": "/cart/checkout", "status": 200, "duration_ms": 229.7, '
        '"service": "web", "request_id": "3f1c9a52-order-1"}'
    )
    assert lines[2] == prefix + (
        '"INFO", "logger": "shop.grpc", "message": "/hipstershop.PaymentService/Charge '
        'INVALID_ARGUMENT 0.4ms", "rpc": "/hipstershop.PaymentService/Charge", '
        '"code": "INVALID_ARGUMENT", "duration_ms": 0.4, "service": "web", '
        '"request_id": "3f1c9a52-order-1"}'
    )
    failed = json.loads(lines[4])
    assert list(failed) == [
        "timestamp", "level", "logger", "message", "exc_info", "service", "request_id",
    ]  # fmt: skip
    assert failed["exc_info"].startswith("Traceback (most recent call last):\n")
    assert failed["exc_info"].endswith('ValueError: Ünïcode and "quotes"\nand a second line')
    assert "\\u00dcn\\u00efcode" in lines[4]  # ASCII only, as json.dumps writes it
    django = json.loads(lines[5])
    assert django["status_code"] == 404 and "request" not in django
    assert "secret-token" not in lines[5]


def test_the_switches_change_nothing_written(records, rf):
    """The same records made with logging gathering everything, and with what gather_for_level
    leaves out above DEBUG, write the same JSON and text lines."""
    logs.gather_for_level(logging.DEBUG)
    _log_every_kind(rf)
    everything = records[:]
    records.clear()
    logs.gather_for_level(logging.INFO)
    _log_every_kind(rf)
    lean = records[:]
    # A stack is only gathered with the caller: at DEBUG (the level its lines are at) it is kept.
    assert everything[11].stack_info and lean[11].stack_info is None
    del everything[11], lean[11]
    for formatter in (JsonLineFormatter(), text_formatter()):
        assert [formatter.format(r) for r in everything] == [formatter.format(r) for r in lean]


def test_above_debug_a_record_walks_no_stack_and_asks_no_thread_or_process(records, monkeypatch):
    def walked(*args, **kwargs):
        raise AssertionError("the caller's frame was looked up")

    logs.gather_for_level(logging.INFO)
    monkeypatch.setattr(logging.Logger, "findCaller", walked)
    monkeypatch.setattr(logging.threading, "current_thread", walked)
    logging.getLogger("shop.grpc").info("a call", extra={"code": "OK"})
    (record,) = records
    assert (record.pathname, record.lineno, record.funcName) == (
        "(unknown file)", 0, "(unknown function)",
    )  # fmt: skip
    assert (record.thread, record.threadName, record.process, record.processName) == (None,) * 4


def test_at_debug_a_record_has_its_caller_thread_and_process(records):
    logs.gather_for_level(logging.DEBUG)
    logging.getLogger("shop.somewhere").debug("where from?")
    (record,) = records
    assert (record.pathname, record.funcName) == (__file__, sys._getframe().f_code.co_name)
    assert record.threadName and record.process and record.processName


def test_the_configured_process_gathers_for_its_level():
    """This process was configured by django.setup(), as every process of the shop is."""
    lean = logging.getLogger().level > logging.DEBUG
    assert lean == (settings.LOG_LEVEL != "DEBUG")
    assert (logging._srcfile is None) == lean
    assert not lean == logging.logThreads == logging.logProcesses == logging.logMultiprocessing


def test_no_code_of_the_shop_asks_for_a_stack():
    """Above DEBUG a record gathers no stack (logging finds it with the caller): no line of the
    shop's own code may ask for one."""
    asking = []
    for directory, subdirectories, files in os.walk(REPOSITORY):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED]
        for name in files:
            path = Path(directory, name)
            if name.endswith(".py") and "stack_info=" in path.read_text(encoding="utf-8"):
                asking.append(path.relative_to(REPOSITORY))
    assert asking == []


def test_a_stream_handler_writes_the_line_once(records):
    """What the console handler adds to the formatter: the line and a newline, nothing else."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLineFormatter())
    handler.addFilter(ContextFilter())
    logging.getLogger("shop.http").info("x", extra={"status": 200})
    handler.handle(records[0])
    assert stream.getvalue() == StockJsonLine().format(records[0]) + "\n"
