"""What Celery reads its settings from: a plain dict copy of Django's settings, kept in step
with them (shop/celery.py: `config_from_object("shop.celery_config:SETTINGS")`).

Why not Django's settings object itself (`"django.conf:settings"`, Celery's documented way):
Celery looks settings up while it publishes and runs every task (7 look-ups per publish:
task_always_eager twice, task_default_queue, task_send_sent_event, task_repr_maxlevels twice,
broker_pool_acquire_timeout), and each look-up tries up to four names (CELERY_X, x, the old
name) in each of its maps in turn. Through Django's LazySettings every name that is not a
setting costs an AttributeError raised in `LazySettings.__getattr__` and caught by Celery: 20 of
them per publish, about a fifth of a publish's CPU. A dict answers the same names with the same
values at a dict's cost.

The same values: every upper-case setting is copied, as every one was visible to Celery through
the settings object (the prefixed CELERY_* names, the old unprefixed ones Celery still accepts,
TIME_ZONE, which Celery falls back on). Settings change at run time only in tests
(override_settings, pytest-django's `settings`), and Django announces each change with
`setting_changed`: the copy follows it, so a test's change still reaches Celery. (A setting
assigned or deleted outside override_settings sends no signal and is not followed: Django's
test set-up does that to ALLOWED_HOSTS and EMAIL_BACKEND; nothing does it to a Celery setting.)
A change made to `app.conf` (the tests' `queueing_on`, test_compensation.py) sits above this
map, as before.
"""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed

SETTINGS: dict = {}


def _follow(setting: str, **_: object) -> None:
    # Read back from the settings (not the signal's value): a deleted setting is gone from both.
    if hasattr(settings, setting):
        SETTINGS[setting] = getattr(settings, setting)
    else:
        SETTINGS.pop(setting, None)


def _copy() -> None:
    SETTINGS.clear()
    SETTINGS.update((name, getattr(settings, name)) for name in dir(settings) if name.isupper())


_copy()
setting_changed.connect(_follow, weak=False, dispatch_uid=__name__)
