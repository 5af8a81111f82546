"""kombu's Redis transport, with one fix that keeps the worker alive when the broker restarts.

After a lost connection the worker closes it: kombu first detaches the transport from the
connection (its `client` becomes None), then closes the channel, which hands the messages it
still holds unacknowledged (ETA tasks, retries waiting for their countdown) back to Redis and
for that builds a client from `client`'s settings. kombu 5.7.0 then raises AttributeError, which
is no connection error: the worker logs "Unrecoverable error" and exits. Here that case is a
connection error, which the close ignores as it ignores the broker being down; the messages stay
in Redis's unacknowledged set and are delivered again after the visibility timeout (kombu's
`restore_visible`). Selected by CELERY_BROKER_TRANSPORT (shop/celery_settings.py).

And one saving: kombu builds a new redis-py client for every command it sends outside the
worker's event loop (each publish, each acknowledgement), and building one costs about 0.2 ms of
CPU (redis-py 7), more than the LPUSH it sends. A channel now keeps the client it built for as
long as its connection pool lives; a client shares that pool, which is thread-safe, so keeping
it changes no connection's use.
"""

from __future__ import annotations

import redis
from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    _kept_client = None

    def _create_client(self, asynchronous=False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        kept = self._kept_client
        # A new pool (after a fork or a lost connection) gets a new client.
        if kept is None or kept.connection_pool is not self.pool:
            kept = self._kept_client = super()._create_client()
        return kept

    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise redis.ConnectionError("The broker connection is closed.")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
