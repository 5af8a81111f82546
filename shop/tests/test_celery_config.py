"""Celery reads its settings from a dict copy of Django's (shop/celery_config.py): a publish
reads nothing through Django's LazySettings, the message is the one Celery built through it,
and a settings change made by a test still reaches Celery."""

from __future__ import annotations

import copy
from unittest import mock

from celery import signals
from celery.utils.collections import DictAttribute
from django.conf import LazySettings, settings
from django.test import override_settings

from shop.celery import app
from shop.celery_config import SETTINGS
from shop.tasks import enqueue
from testing.fixtures import queueing_on

ORDER_ID = "0b1c2d3e-aaaa-bbbb-cccc-123456789012"
# What differs between two publishes of the same task: its ids and when it was sent.
PER_MESSAGE_HEADERS = ("id", "root_id", "eta")


def _config_map() -> int:
    """Where in app.conf's maps Celery keeps the settings it was configured from."""
    app.conf.finalize()
    return next(i for i, found in enumerate(app.conf.maps) if found is SETTINGS)


def _published(*publishes: tuple) -> list[dict]:
    """What Celery hands kombu for each (name, args, countdown), on an in-memory broker."""
    sent = []

    def capture(body, exchange, routing_key, headers, properties, declare, retry_policy, **_):
        sent.append({"body": copy.deepcopy(body), "exchange": exchange,
                     "routing_key": routing_key, "headers": dict(headers),
                     "properties": dict(properties), "declare": list(declare),
                     "retry_policy": retry_policy})  # fmt: skip

    signals.before_task_publish.connect(capture, weak=False)
    try:
        with queueing_on("memory://localhost/"):
            for name, args, countdown in publishes:
                enqueue(name, *args, countdown=countdown)
    finally:
        signals.before_task_publish.disconnect(capture)
    return sent


def _without_ids(message: dict) -> dict:
    headers = {k: v for k, v in message["headers"].items() if k not in PER_MESSAGE_HEADERS}
    properties = {k: v for k, v in message["properties"].items() if k != "correlation_id"}
    return message | {"headers": headers, "properties": properties,
                      "declare": [repr(entity) for entity in message["declare"]]}  # fmt: skip


PUBLISHES = [
    ("checkout.tasks.order_completed", (ORDER_ID,), None),  # registered here
    ("checkout.tasks.order_recover", (ORDER_ID,), 60.0),  # with a countdown
    ("elsewhere.tasks.unknown", (ORDER_ID, 3, [1, "two"]), None),  # another service's task
]


def test_the_messages_are_those_celery_built_through_djangos_settings():
    ours = _published(*PUBLISHES)
    where = _config_map()
    # As `config_from_object("django.conf:settings")` configured it.
    app.conf.maps[where] = DictAttribute(settings)
    try:
        theirs = _published(*PUBLISHES)
    finally:
        app.conf.maps[where] = SETTINGS
    assert len(ours) == len(theirs) == 3
    assert [_without_ids(m) for m in ours] == [_without_ids(m) for m in theirs]
    assert ours[1]["headers"]["eta"] is not None and theirs[1]["headers"]["eta"] is not None
    assert ours[0]["headers"]["task"] == "checkout.tasks.order_completed"
    assert ours[0]["headers"]["argsrepr"] == repr((ORDER_ID,))


def test_a_publish_reads_no_setting_through_djangos_lazy_settings():
    _published(*PUBLISHES)  # connections and pools made, as in a running process
    read = []
    looked_up = LazySettings.__getattr__

    def counted(self, name):
        read.append(name)
        return looked_up(self, name)

    with mock.patch.object(LazySettings, "__getattr__", counted):
        _published(*PUBLISHES)
    assert read == []


def test_the_copy_holds_every_setting_celery_reads():
    # Prefixed names, and TIME_ZONE, which Celery's `timezone` falls back on. (Django's test set-up
    # assigns ALLOWED_HOSTS and EMAIL_BACKEND without a signal; no Celery setting is changed so.)
    names = [name for name in dir(settings) if name.startswith("CELERY_")] + ["TIME_ZONE"]
    assert len(names) > 10
    expected = {name: getattr(settings, name) for name in names}
    assert {name: SETTINGS[name] for name in names} == expected
    assert app.conf.timezone == settings.TIME_ZONE


def test_override_settings_reaches_celery_and_leaves_with_it():
    before = app.conf.task_default_queue
    with override_settings(CELERY_TASK_DEFAULT_QUEUE="elsewhere"):
        assert app.conf.task_default_queue == "elsewhere"
    assert app.conf.task_default_queue == before


def test_pytest_djangos_settings_fixture_reaches_celery(settings):
    settings.CELERY_TASK_DEFAULT_QUEUE = "elsewhere"
    assert app.conf.task_default_queue == "elsewhere"
    assert [m["routing_key"] for m in _published(*PUBLISHES[:1])] == ["elsewhere"]
