"""Backs up the shop's data into a new folder: the database, and the carts and sessions in Redis
when REDIS_URL is set (shop/backups). `manage.py restore FOLDER` brings it back."""

import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shop.backups import database, keyspace, manifest


class Command(BaseCommand):
    help = "Back up the database and the Redis carts and sessions into a new folder."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output", default="backups", help="where the new boutique-<UTC time> folder goes"
        )

    def handle(self, *args, output, **options) -> None:
        started = time.monotonic()
        created = timezone.now()
        folder = (Path(output) / f"boutique-{created:%Y%m%dT%H%M%SZ}").resolve()
        if folder.exists():
            raise CommandError(f"{folder} already exists")
        # Written under another name and renamed at the end: a folder with the final name is
        # always a complete backup, whatever interrupted an earlier run.
        partial = folder.with_name(f"{folder.name}.partial")
        partial.mkdir(parents=True)
        try:
            contents = {"created_at": created.isoformat(), "database": self._database(partial)}
            contents["redis"] = self._redis(partial) if settings.REDIS_URL else None
            manifest.write(partial, contents)
            partial.rename(folder)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        total = sum(path.stat().st_size for path in folder.iterdir())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup complete: {folder} ({manifest.size(total)}, "
                f"{time.monotonic() - started:.1f} s). Restore it with: "
                f"manage.py restore {folder}"
            )
        )

    def _database(self, folder: Path) -> dict:
        vendor = database.vendor()
        path = folder / database.FILES[vendor]
        self.stdout.write(f"database ({vendor}): copying a consistent snapshot...")
        rows = database.dump(path)
        size = path.stat().st_size
        self.stdout.write(
            f"database: {len(rows)} tables, {sum(rows.values())} rows, "
            f"{manifest.size(size)} -> {path.name}"
        )
        return {"vendor": vendor, "file": path.name, "bytes": size, "rows": rows}

    def _redis(self, folder: Path) -> dict:
        path = folder / keyspace.FILE
        self.stdout.write("redis: copying the keys that are data (DUMP with their TTL)...")
        keys = keyspace.dump(keyspace.client(), path)
        size = path.stat().st_size
        counts = ", ".join(f"{label} {count}" for label, count in keys.items())
        self.stdout.write(f"redis: {counts} keys, {manifest.size(size)} -> {path.name}")
        return {"file": path.name, "bytes": size, "keys": dict(keys)}
