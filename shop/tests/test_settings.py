"""Settings come from the environment; production refuses to start unsafely."""

import json
import os
import subprocess
import sys

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "sessions": settings.SESSION_ENGINE,
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", ""),
    "email_port": getattr(settings, "EMAIL_PORT", 0),
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "hosts": settings.ALLOWED_HOSTS,
    "addrs": settings.SERVICE_ADDRS,
}))
"""

NAMES = ["SECRET_KEY", "DEBUG", "HTTPS_ONLY", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL",
         "DATABASE_URL", "ALLOWED_HOSTS", "CART_SERVICE_ADDR",
         "DATABASE_PREPARED_STATEMENTS"]  # fmt: skip


def run(code: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NAMES}
    clean["DJANGO_SETTINGS_MODULE"] = "shop.settings"
    clean["ENV_FILE"] = os.devnull  # a developer's .env must not leak into these checks
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe(**env: str) -> dict:
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


LONG_KEY = "k" * 20 + "a8Fj2kLq9Zx7Vb3Nm5Hc1Tg6Yw4Rp0Us"


def test_production_refuses_to_start_without_secret_key():
    result = run(PROBE)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_embedded_defaults_need_no_service():
    values = probe(SECRET_KEY=LONG_KEY, HTTPS_ONLY="false")
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert values["db_engine"] == "django.db.backends.sqlite3"
    assert set(values["addrs"].values()) == {""}


def test_redis_url_backs_cache_sessions_and_broker():
    url = "redis://:s3cret@redis.internal:6379/0"
    values = probe(SECRET_KEY=LONG_KEY, REDIS_URL=url)
    assert values["cache"] == "django_redis.cache.RedisCache"
    assert values["cache_location"] == url
    # Django's cache sessions, their reads remembered per process (shop/tracked_sessions.py).
    assert values["sessions"] == "shop.tracked_sessions"
    assert values["broker"] == url
    assert values["eager"] is False


def test_explicit_broker_and_email_and_database():
    values = probe(
        SECRET_KEY=LONG_KEY,
        REDIS_URL="redis://r:6379/0",
        CELERY_BROKER_URL="redis://broker:6379/1",
        EMAIL_URL="smtp://user:pass@mail.example:2525",
        DATABASE_URL="postgres://shop:pw@db:5432/shop",
        ALLOWED_HOSTS="shop.example,www.shop.example",
        CART_SERVICE_ADDR="cartservice:7070",
    )
    assert values["broker"] == "redis://broker:6379/1"
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["email_host"], values["email_port"]) == ("mail.example", 2525)
    assert values["db_engine"] == "django.db.backends.postgresql"
    assert values["hosts"] == ["shop.example", "www.shop.example"]
    assert values["addrs"]["cart"] == "cartservice:7070"


def test_https_only_is_on_by_default_in_production():
    values = probe(SECRET_KEY=LONG_KEY)
    assert values["ssl_redirect"] is True and values["session_secure"] is True
    values = probe(SECRET_KEY=LONG_KEY, HTTPS_ONLY="false")
    assert values["ssl_redirect"] is False


def test_production_passes_check_deploy_without_warnings():
    result = run("", "manage.py", "check", "--deploy", "--fail-level", "WARNING",
                 SECRET_KEY=LONG_KEY)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_postgresql_statements_are_bound_and_prepared_on_the_server_unless_turned_off():
    database = "postgres://shop:pw@127.0.0.1:5432/shop"
    on = probe(DEBUG="1", DATABASE_URL=database)["db_options"]
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 2
    # Behind a pooler in transaction mode: Django's own defaults (client-side binding).
    off = probe(DEBUG="1", DATABASE_URL=database, DATABASE_PREPARED_STATEMENTS="false")
    assert "server_side_binding" not in off["db_options"]
    assert "prepare_threshold" not in off["db_options"]
    # SQLite has neither.
    assert "server_side_binding" not in probe(DEBUG="1")["db_options"]
