"""The database of a backup. PostgreSQL: pg_dump's custom format, restored by pg_restore. SQLite:
sqlite3's online backup API. Both copy a consistent snapshot while the shop keeps running, and
count the rows of every table in that same snapshot, so the manifest says what the file holds."""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection, transaction

FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


def vendor() -> str:
    if connection.vendor not in FILES:
        raise CommandError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    return connection.vendor


def is_empty() -> bool:
    """A restore goes into a database without tables: restoring over data would mix the two."""
    return not connection.introspection.table_names()


def dump(path: Path) -> dict[str, int]:
    """Writes the database to `path`; rows per table in what was written."""
    if vendor() == "postgresql":
        return _pg_dump(path)
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        return _count_rows(target.cursor(), _sqlite_tables(target))
    finally:
        target.close()


def load(path: Path, *, replace: bool) -> dict[str, int]:
    """Restores `path` into the (empty, unless `replace`) database; rows per table after it."""
    if vendor() == "postgresql":
        _pg_restore(path, replace=replace)
    else:
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            # The backup API replaces the whole content of the target, old tables included.
            source.backup(connection.connection)
        finally:
            source.close()
    with connection.cursor() as cursor:
        return _count_rows(cursor, connection.introspection.table_names(cursor))


def _pg_dump(path: Path) -> dict[str, int]:
    # pg_dump reads the snapshot this transaction exports, so the counts match the dump exactly.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        rows = _count_rows(cursor, connection.introspection.table_names(cursor))
        _run_pg("pg_dump", "--format=custom", f"--file={path}", f"--snapshot={snapshot}")
    return rows


def _pg_restore(path: Path, *, replace: bool) -> None:
    # Objects belong to whoever restores: the owner and grants of the source cluster may not exist
    # here. One transaction: a restore that fails leaves the database as it was.
    args = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if replace:
        args += ["--clean", "--if-exists"]
    _run_pg("pg_restore", *args, f"--dbname={connection.settings_dict['NAME']}", str(path))


def _run_pg(program: str, *args: str) -> None:
    # The program is PostgreSQL's own and the arguments are ours: no shell, no input from outside.
    command = [_pg_binary(program), *args]
    result = subprocess.run(  # noqa: S603
        command, env=_libpq_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")


def _libpq_env() -> dict[str, str]:
    """The connection settings as libpq variables: a password never appears on a command line,
    where any user of the machine could read it."""
    db = connection.settings_dict
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSSLMODE": db.get("OPTIONS", {}).get("sslmode"),
    }
    return {**os.environ, **{name: value for name, value in values.items() if value}}


def _pg_binary(program: str) -> str:
    """On the PATH, else Debian's /usr/lib/postgresql/<version>/bin, newest version first: pg_dump
    refuses a server newer than itself."""
    found = shutil.which(program)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{program}")
    if not candidates:
        raise CommandError(
            f"{program} is not installed: install the PostgreSQL client tools "
            f"(Debian: postgresql-client) of the server's major version or newer"
        )
    return max(candidates, key=lambda found: int(re.findall(r"/(\d+)/bin/", found)[0]))


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return sorted(name for (name,) in rows if not name.startswith("sqlite_"))


def _count_rows(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts
