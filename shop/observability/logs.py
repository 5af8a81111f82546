"""Log lines: one JSON object per line (LOG_FORMAT=json) or plain text (LOG_FORMAT=text, `make
run`'s terminal), the same for the web (gunicorn's own lines included), grpcserve and Celery.
settings.LOGGING wires these up; docs/observability.md lists every field."""

from __future__ import annotations

import logging
import logging.config
import sys
from datetime import UTC, datetime

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonEncoder, JsonFormatter

from shop.observability import requestid
from shop.observability.service import service_name

# OpenTelemetry's trace API, read where something has imported it (tracing's setup, an
# instrumentation, a test): a span can only exist once it is loaded, so a process with tracing off
# (a web worker) neither loads it for its log lines nor asks it on each (docs/decisions.md,
# "Worker memory (third pass)").
TRACE_API = "opentelemetry.trace"

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

# What logging would look up for the caller of every record (its own default, kept to restore it).
_CALLER_LOOKUP = logging._srcfile


class ContextFilter(logging.Filter):
    """Adds, to every record a handler writes, the service, the request id and the current
    trace and span ids (these two only when there are)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = service_name()
        # Django reports a 4xx/5xx response after the middleware is done, with the request.
        request_id = requestid.current() or getattr(
            getattr(record, "request", None), "request_id", None
        )
        if request_id:
            record.request_id = request_id
        current_span = getattr(sys.modules.get(TRACE_API), "get_current_span", None)
        if current_span is not None:
            span = current_span().get_span_context()
            if span.is_valid:
                record.trace_id = format(span.trace_id, "032x")
                record.span_id = format(span.span_id, "016x")
        return True


class JsonLineFormatter(JsonFormatter):
    """timestamp (UTC, ISO 8601), level, logger, message, then the context and any `extra`."""

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            # Django passes the request object along with its request and server log lines; its
            # repr holds the query string, where order access tokens travel.
            reserved_attrs=[*RESERVED_ATTRS, "request"],
        )

        # One encoder for every line, configured as json.dumps configures the one it builds per
        # line in the stock path (JsonFormatter passes `cls`, so json.dumps cannot use its own); an
        # encoder keeps only its settings, so threads share it.
        self._encoder = JsonEncoder()

    def add_fields(self, log_data, record, message_dict) -> None:
        created = datetime.fromtimestamp(record.created, tz=UTC)
        log_data["timestamp"] = created.isoformat(timespec="milliseconds")
        super().add_fields(log_data, record, message_dict)

    def jsonify_log_record(self, log_data) -> str:
        return self._encoder.encode(log_data)


def text_formatter() -> logging.Formatter:
    """Plain lines for a terminal; "-" where no request is running."""
    return logging.Formatter(TEXT_FORMAT, defaults={"request_id": "-"})


def configure(config: dict) -> None:
    """settings.LOGGING_CONFIG: Python's warnings become log lines too (a library's warning would
    otherwise print plain text among the JSON)."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)
    gather_for_level(logging.getLogger().level)


def gather_for_level(level: int) -> None:
    """Above DEBUG, records leave out what no line prints: logging's documented switches.

    Every record would otherwise find its caller's frame (pathname, filename, module, lineno,
    funcName) and the thread and process (thread, threadName, process, processName): neither
    format writes one of them (the JSON formatter reserves them, TEXT_FORMAT names none), and they
    were a sixth of a request's line (docs/decisions.md, "Logs: the production line's cost").
    Records keep the attributes, set to logging's placeholders ("(unknown file)", 0, None).
    At DEBUG, nothing is left out: a record that asks for its stack (OpenTelemetry's debug lines
    do) only gets it when the caller is looked up."""
    lean = level > logging.DEBUG
    logging._srcfile = None if lean else _CALLER_LOOKUP
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = not lean


def logging_config(log_format: str, level: str) -> dict:
    """The LOGGING of every process (settings.LOGGING; gunicorn.conf.py hands it to gunicorn)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {
            "json": {"()": JsonLineFormatter},
            "text": {"()": text_formatter},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Django's defaults give these handlers of their own (plain text on a console when
            # DEBUG is on, e-mail to ADMINS): every line goes through ours instead.
            "django": {"handlers": [], "propagate": True},
            "django.server": {"handlers": [], "propagate": True},
            # gunicorn's master and worker lines go to the same handler, in the same format
            # (gunicorn installs handlers of its own on these; configuring them removes those).
            "gunicorn.error": {"handlers": [], "propagate": True},
            # Its access log, even when asked for with --access-logfile, goes nowhere: it would
            # print query strings, which carry order access tokens. The shop logs each request.
            "gunicorn.access": {"handlers": [], "propagate": False},
        },
    }
