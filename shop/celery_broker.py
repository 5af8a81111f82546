"""kombu's Redis transport, with one fix that keeps the worker alive when the broker restarts.

After a lost connection the worker closes it: kombu first detaches the transport from the
connection (its `client` becomes None), then closes the channel, which hands the messages it
still holds unacknowledged (ETA tasks, retries waiting for their countdown) back to Redis and
for that builds a client from `client`'s settings. kombu 5.7.0 then raises AttributeError, which
is no connection error: the worker logs "Unrecoverable error" and exits. Here that case is a
connection error, which the close ignores as it ignores the broker being down; the messages stay
in Redis's unacknowledged set and are delivered again after the visibility timeout (kombu's
`restore_visible`). Selected by CELERY_BROKER_TRANSPORT (shop/celery_settings.py).
"""

from __future__ import annotations

import redis
from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise redis.ConnectionError("The broker connection is closed.")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
