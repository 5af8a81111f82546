"""Disaster recovery for the whole shop: `manage.py backup` and `manage.py restore`.

A backup is one folder: the database (database.py), the Redis keys that must outlive a restart
(keyspace.py) and a manifest of what is in it (manifest.py). The kernel names no app: the apps
that keep data in Redis say which keys on their AppConfig.
"""
