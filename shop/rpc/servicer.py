"""The base of every app's gRPC servicer: each RPC gets Django's connection hygiene, the
refusal of control characters in its request's strings (as the web's middleware refuses them,
shop/input_checks.py), and the mapping of domain errors to gRPC statuses (with their code and
fields in the trailing metadata).

Apps import this module, never the server: the server imports the apps' rpc modules."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable

import grpc
from django.conf import settings
from google.protobuf.descriptor import FieldDescriptor

from shop.errors import InvalidArgument, ShopError
from shop.input_checks import unsafe_text
from shop.observability.metrics import dependency_error_observe
from shop.outages import outage
from shop.rpc import connection_hygiene
from shop.rpc.error_metadata import error_to_metadata

logger = logging.getLogger(__name__)


def _handle(method: Callable) -> Callable:
    @functools.wraps(method)
    def wrapper(self, request, context: grpc.ServicerContext):
        # Like a WSGI request: never reuse a connection the database has dropped or that has
        # outlived CONN_MAX_AGE, before and after the call.
        started = time.monotonic()
        skipped_probes = connection_hygiene.before_call()
        try:
            if _unsafe_strings(request):
                raise InvalidArgument("A string of this request contains a control character.")
            return method(self, request, context)
        except ShopError as error:
            context.set_trailing_metadata(error_to_metadata(error))
            context.abort(error.spec.grpc_status, error.message)
        except Exception as exc:
            dependency_error_observe(exc, "grpc")
            unavailable = outage(exc)
            if unavailable is not None:
                # The database or Redis did not answer: UNAVAILABLE, which callers retry.
                logger.warning("%s.%s: %s", type(self).__name__, method.__name__, exc)
                context.set_trailing_metadata(error_to_metadata(unavailable))
                context.abort(unavailable.spec.grpc_status, unavailable.message)
            logger.exception("%s.%s failed", type(self).__name__, method.__name__)
            detail = repr(exc) if settings.DEBUG else type(exc).__name__
            context.abort(grpc.StatusCode.INTERNAL, f"Internal error ({detail}).")
        finally:
            connection_hygiene.after_call(skipped_probes, started)

    return wrapper


def _unsafe_strings(message) -> bool:
    """Whether any string of the message, at any depth (lists and maps too), is unsafe. (Protobuf
    itself refuses what is not UTF-8, so a lone surrogate never arrives.) The strings are
    gathered and searched in one pass, as the web's headers are (`unsafe_text` of the joined
    text: a line feed, which it allows, joins them, so no match spans two)."""
    strings: list[str] = []
    _gather_strings(message, strings)
    return bool(strings) and unsafe_text("\n".join(strings))


# What each field holds, by field descriptor, learnt on its first call: every RPC runs this
# over its request, and asking the descriptor (its type, its message's options) each time cost
# more than the search itself.
_STRING, _STRINGS, _MESSAGE, _MESSAGES, _MAP, _OTHER = range(6)
_kinds: dict[FieldDescriptor, int] = {}


def _learn_kind(field: FieldDescriptor) -> int:
    if field.type == FieldDescriptor.TYPE_STRING:
        kind = _STRINGS if field.is_repeated else _STRING
    elif field.type == FieldDescriptor.TYPE_MESSAGE:
        if field.message_type.GetOptions().map_entry:
            kind = _MAP
        else:
            kind = _MESSAGES if field.is_repeated else _MESSAGE
    else:
        kind = _OTHER
    _kinds[field] = kind
    return kind


def _gather_strings(message, strings: list[str]) -> None:
    for field, value in message.ListFields():
        kind = _kinds.get(field)
        if kind is None:
            kind = _learn_kind(field)
        if kind == _STRING:
            strings.append(value)
        elif kind == _MESSAGE:
            _gather_strings(value, strings)
        elif kind == _STRINGS:
            strings.extend(value)
        elif kind == _MESSAGES:
            for item in value:
                _gather_strings(item, strings)
        elif kind == _MAP:
            for key, item in value.items():
                if isinstance(key, str):
                    strings.append(key)
                if isinstance(item, str):
                    strings.append(item)
                elif hasattr(item, "ListFields"):
                    _gather_strings(item, strings)


class Servicer:
    """Mix in before the generated `...Servicer`; wraps every RPC method (CamelCase names)."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if name[:1].isupper() and callable(value):
                setattr(cls, name, _handle(value))
