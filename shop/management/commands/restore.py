"""Restores a folder written by `manage.py backup` into an empty database and an empty Redis
(shop/backups); --force restores over existing data. Run `manage.py migrate` afterwards when the
code is newer than the backup."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.backups import database, keyspace, manifest


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database and Redis."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path, help="a folder written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore over existing tables and keys (they are replaced)",
        )

    def handle(self, *args, folder, force, **options) -> None:
        contents = manifest.read(folder)
        saved_db, saved_redis = contents["database"], contents["redis"]
        self.stdout.write(f"Restoring the backup of {contents['created_at']} from {folder}")
        redis = self._check(saved_db, saved_redis, force=force)

        self.stdout.write(f"database ({saved_db['vendor']}): restoring {saved_db['file']}...")
        rows = database.load(folder / saved_db["file"], replace=force)
        expected = saved_db["rows"]
        differing = {table: n for table, n in expected.items() if rows.get(table) != n}
        if differing:
            raise CommandError(f"restored row counts differ from the backup's: {differing}")
        self.stdout.write(f"database: {len(expected)} tables, {sum(expected.values())} rows")

        if redis is not None:
            self.stdout.write(f"redis: restoring {saved_redis['file']}...")
            keys = keyspace.load(redis, folder / saved_redis["file"], replace=force)
            counts = ", ".join(f"{label} {count}" for label, count in keys.items()) or "no"
            self.stdout.write(f"redis: {counts} keys")
        elif saved_redis is None:
            self.stdout.write("redis: not in this backup (it was taken without REDIS_URL)")
        else:
            self.stdout.write("redis: the backup holds no carts or sessions, nothing to restore")
        self.stdout.write(
            self.style.SUCCESS(
                "Restore complete. Next: manage.py migrate (a no-op unless the code is newer), "
                "then start the shop."
            )
        )

    def _check(self, saved_db: dict, saved_redis: dict | None, *, force: bool):
        """Every check before the first write, so a refused restore changes nothing; the Redis
        client to restore into, or None."""
        if saved_db["vendor"] != database.vendor():
            raise CommandError(
                f"the backup holds a {saved_db['vendor']} database, DATABASE_URL is "
                f"{database.vendor()}"
            )
        if saved_redis and sum(saved_redis["keys"].values()) and not settings.REDIS_URL:
            raise CommandError("the backup holds carts or sessions but REDIS_URL is unset")
        redis = keyspace.client() if saved_redis and settings.REDIS_URL else None
        if not force:
            if not database.is_empty():
                raise CommandError("the database has tables: restore into an empty one or --force")
            if redis is not None and not keyspace.is_empty(redis):
                raise CommandError("Redis holds carts or sessions: use an empty one or --force")
        return redis
