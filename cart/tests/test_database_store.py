"""The embedded (database) store under concurrency: threads of one process, as gunicorn runs
them, on the real embedded database (an SQLite file) and on PostgreSQL."""

import os
import subprocess
import sys

import pytest

from cart.services import cart_get
from shop.dto import CartItem

from .conftest import add_concurrently

MUG = "6E92ZMYYFZ"

# The test database of the SQLite pass is in memory with a shared cache, whose table locks fail
# at once instead of waiting; the embedded shop uses a file. So this runs in a fresh process on
# a fresh SQLite file, migrated as `make run` does.
SQLITE_CONCURRENT_ADDS = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from catalog.services import demo_catalog_load
from cart.services import cart_get
from cart.tests.conftest import add_concurrently
demo_catalog_load()
errors = [repr(exc) for exc in add_concurrently(50, user_id="crowd", product_id="6E92ZMYYFZ")]
print(errors, cart_get(user_id="crowd").items[0].quantity)
"""


def test_50_concurrent_adds_on_the_embedded_sqlite_file_leave_exactly_50(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "ENV_FILE": os.devnull,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SQLITE_CONCURRENT_ADDS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[] 50"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_50_concurrent_adds_on_postgres_leave_exactly_50(use_database, catalog):
    assert add_concurrently(50, user_id="crowd", product_id=MUG) == []
    assert cart_get(user_id="crowd").items == (CartItem(MUG, 50),)
