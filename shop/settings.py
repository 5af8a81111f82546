"""Settings, read from the environment (12-factor).

With no variable set at all the shop runs embedded: SQLite, local-memory caches, Celery tasks
run eagerly in-process, e-mail printed to the console. Production sets DATABASE_URL, REDIS_URL,
EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS and, per service, the *_SERVICE_ADDR variables.
"""

import warnings
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from shop.api_settings import SPECTACULAR, rest_framework_settings
from shop.cache_settings import count_ignored_errors, redis_caches
from shop.celery_settings import celery_settings
from shop.observability.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (written by `make run`, never committed) may hold the embedded secret key.
# Variables already in the environment win; ENV_FILE names another file.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) refuses to start without it; "
            "set SECRET_KEY in the environment (make run writes one into .env for you)."
        )
    SECRET_KEY = "django-insecure-debug-only-key"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "shop",
    "storefront",
    "catalog",
    "currency",
    "cart",
    "payments",
    "shipping",
    "notifications",
    "checkout",
    "recommendations",
    "ads",
    "axes",
]

MIDDLEWARE = [
    # First: times every request, and answers /metrics before the host check and HTTPS redirect.
    "shop.observability.metrics_http.MetricsMiddleware",
    # Then: the request id covers everything below, and its log line times it all.
    "shop.observability.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shop.middleware.ContentSecurityPolicyMiddleware",
    "shop.middleware.UnsafeInputMiddleware",  # before anything reads a cookie or the database
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Go-style cross-origin protection for every unsafe request; storefront form views are then
    # exempt from token CSRF (storefront.decorators.storefront_form), because the original's load
    # generator posts plain forms without tokens. The admin keeps Django's token CSRF as well.
    "shop.middleware.CrossOriginProtectionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "storefront.middleware.ShopErrorPageMiddleware",
    "storefront.middleware.AdClickMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

# Django's cookie-then-session message storage, its signer made only when a messages cookie is
# read or written (shop/messages_storage.py).
MESSAGE_STORAGE = "shop.messages_storage.FallbackStorage"

# Admin login lockout per username and client IP (django-axes, docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "shop.login_lockout.client_ip"
AXES_USERNAME_CALLABLE = "shop.login_lockout.username"
AXES_LOCKOUT_TEMPLATE = "storefront/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner in every process's log

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock (taken at BEGIN, up to 20 s) instead of failing with
    # "database is locked"; WAL keeps pages readable meanwhile (docs/decisions.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # Statements bound and prepared on the server (docs/decisions.md, "PostgreSQL: statements
    # prepared on the server"): one run twice on a connection is parsed and planned once. Off
    # behind a pooler in transaction mode, which cannot keep a connection's prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis backs the cache, sessions and carts when REDIS_URL is set (it may carry a password);
# every call has short timeouts and goes through a circuit breaker (shop/redis_breaker.py).
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_CONNECT_TIMEOUT_SECONDS = env.float("REDIS_CONNECT_TIMEOUT_SECONDS", default=0.25)
REDIS_SOCKET_TIMEOUT_SECONDS = env.float("REDIS_SOCKET_TIMEOUT_SECONDS", default=0.25)
REDIS_BREAKER_FAILURES = env.int("REDIS_BREAKER_FAILURES", default=3)
REDIS_BREAKER_COOLDOWN_SECONDS = env.float("REDIS_BREAKER_COOLDOWN_SECONDS", default=5.0)
# Sessions and carts read from Redis are remembered in each process until Redis reports a write to
# them (CLIENT TRACKING: shop/redis_tracking.py), and never used longer than this after the read.
REDIS_TRACKED_READS = env.bool("REDIS_TRACKED_READS", default=True)
REDIS_TRACKED_MAX_AGE_SECONDS = env.float("REDIS_TRACKED_MAX_AGE_SECONDS", default=5.0)
REDIS_TRACKED_MAX_ENTRIES = env.int("REDIS_TRACKED_MAX_ENTRIES", default=10_000)
if REDIS_URL:
    CACHES = redis_caches(
        REDIS_URL,
        connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
        socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
    )
    # Django's cache sessions, their reads remembered per process (shop/tracked_sessions.py).
    SESSION_ENGINE = "shop.tracked_sessions"
    SESSION_CACHE_ALIAS = "sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Celery (shop/celery_settings.py): eager in-process without a broker; with one, a worker that
# outlives its broker, and tasks acknowledged after they ran.
vars().update(celery_settings(env.str("CELERY_BROKER_URL", default=REDIS_URL)))
CELERY_BEAT_SCHEDULE: dict = {}
# The niceness a Celery worker gives itself at start (shop/worker_priority.py): where it shares
# cores with the web, a shopper's request comes before an e-mail. 0 leaves it alone.
WORKER_NICENESS = env.int("WORKER_NICENESS", default=10)

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Boutique <orders@boutique.localhost>")
# Absolute links in e-mails and API answers start with the shop's public origin when it is set;
# unset, an API answer links to the address its request came to, and a process without a request
# (the worker's e-mails) to the port the shop was started on (`make run PORT=...`): shop/links.py.
SITE_URL = env.str("SITE_URL", default="")
PORT = env.int("PORT", default=8080)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files (product pictures) go through Django's storage API: the file system under
# MEDIA_ROOT by default, served by the shop itself at MEDIA_URL; any other storage is these two
# variables away, e.g. an S3-compatible bucket with django-storages (docs/catalog-currency.md).
MEDIA_URL = env.str("MEDIA_URL", default="media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_STORAGE_BACKEND = env.str(
    "MEDIA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
)
MEDIA_STORAGE_OPTIONS = env.json("MEDIA_STORAGE_OPTIONS", default={})
# The shop serves uploads itself only from its own file system; elsewhere they have their own URL.
SERVE_MEDIA = MEDIA_STORAGE_BACKEND == "django.core.files.storage.FileSystemStorage"
# Where pictures are served from when not from the shop's own origin (a bucket, a CDN), e.g.
# "https://pictures.example.com": allowed by the Content-Security-Policy's img-src.
MEDIA_ORIGIN = env.str("MEDIA_ORIGIN", default="")
STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE_BACKEND, "OPTIONS": MEDIA_STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
# STATIC_ROOT exists only where static files were collected (the production image); elsewhere the
# apps' static folders are served through the finders above, and WhiteNoise's warning that the
# folder is missing says nothing useful.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# HTTPS: on by default in production; `make run` and the tests serve plain HTTP on loopback.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^_healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Service addresses: when set, that service is called over gRPC; else in-process.
SERVICE_ADDRS = {
    "catalog": env.str("PRODUCT_CATALOG_SERVICE_ADDR", default=""),
    "cart": env.str("CART_SERVICE_ADDR", default=""),
    "currency": env.str("CURRENCY_SERVICE_ADDR", default=""),
    "payments": env.str("PAYMENT_SERVICE_ADDR", default=""),
    "shipping": env.str("SHIPPING_SERVICE_ADDR", default=""),
    "notifications": env.str("EMAIL_SERVICE_ADDR", default=""),
    "checkout": env.str("CHECKOUT_SERVICE_ADDR", default=""),
    "recommendations": env.str("RECOMMENDATION_SERVICE_ADDR", default=""),
    "ads": env.str("AD_SERVICE_ADDR", default=""),
}
# The gRPC shim of each service, served by `manage.py grpcserve` (by dotted name: the kernel
# imports no app).
GRPC_SERVICES = {
    "catalog": "catalog.rpc",
    "cart": "cart.rpc",
    "currency": "currency.rpc",
    "payments": "payments.rpc",
    "shipping": "shipping.rpc",
    "notifications": "notifications.rpc",
    "checkout": "checkout.rpc",
    "recommendations": "recommendations.rpc",
    "ads": "ads.rpc",
}
# The one deadline of a remote call, its retries included, and its most attempts (gRPC retries
# UNAVAILABLE for the methods named in shop/rpc/retry.py; at most 5).
GRPC_DEADLINE_SECONDS = env.float("GRPC_DEADLINE_SECONDS", default=3.0)
GRPC_RETRY_ATTEMPTS = env.int("GRPC_RETRY_ATTEMPTS", default=3)
# A client keeps one connection per address, so behind a Kubernetes Service it would talk to one
# replica for ever: the server closes each connection this old (GOAWAY; gRPC adds +-10% jitter)
# and the client reconnects through the Service, spreading over the replicas, new ones included.
# Calls in flight get the grace period to finish (docs/deploy.md, "gRPC and replicas").
GRPC_MAX_CONNECTION_AGE_SECONDS = env.float("GRPC_MAX_CONNECTION_AGE_SECONDS", default=30.0)
GRPC_MAX_CONNECTION_AGE_GRACE_SECONDS = env.float(
    "GRPC_MAX_CONNECTION_AGE_GRACE_SECONDS", default=10.0
)

# The REST API (docs/api.md): DRF and its schema, with the budgets read from the environment.
REST_FRAMEWORK = rest_framework_settings(
    anon_read_rate=env.str("API_ANON_READ_RATE", default="600/minute"),
    anon_write_rate=env.str("API_ANON_WRITE_RATE", default="60/minute"),
    token_rate=env.str("API_TOKEN_RATE", default="3000/minute"),
    anon_order_rate=env.str("API_ANON_ORDER_RATE", default="30/minute"),
    anon_quote_rate=env.str("API_ANON_QUOTE_RATE", default="120/minute"),
    num_proxies=env.int("NUM_PROXIES", default=0),
)
SPECTACULAR_SETTINGS = SPECTACULAR

# Logs (docs/observability.md): one JSON object per line from every process (web, gunicorn's
# own lines, grpcserve, Celery), or plain text for a terminal (`make run`). SERVICE_NAME names
# the process on each line (shop/observability/service.py has the defaults).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
SERVICE_NAME = env.str("SERVICE_NAME", default="")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
LOGGING_CONFIG = "shop.observability.logs.configure"

# Readiness (shop/observability/readiness.py, docs/observability.md): /readyz and grpcserve's
# health monitor wait this long for all their dependency checks together (each connection gets
# half of it), and grpcserve checks again every GRPC_HEALTH_INTERVAL_SECONDS.
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=1.0)
GRPC_HEALTH_INTERVAL_SECONDS = env.float("GRPC_HEALTH_INTERVAL_SECONDS", default=5.0)
# Celery beat touches a file on every tick for its probes (shop/observability/celery_probes.py),
# and ticks at least this often even when nothing is due for longer.
CELERY_BEAT_SCHEDULER = "shop.observability.celery_probes:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 30

# Prometheus metrics (docs/observability.md, "Metrics"). The web answers /metrics only to peers
# in these networks (loopback and the private ranges a cluster uses) and never through a proxy.
METRICS_ALLOWED_NETWORKS = env.list(
    "METRICS_ALLOWED_NETWORKS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
)
# grpcserve and the Celery worker serve /metrics on a port of their own when these are set; on
# loopback unless METRICS_HOST says otherwise (0.0.0.0 in a container).
METRICS_PORT = env.int("METRICS_PORT", default=None)
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=None)
METRICS_HOST = env.str("METRICS_HOST", default="127.0.0.1")

# Traces (shop/observability/tracing.py): OpenTelemetry is loaded and spans exported over OTLP/gRPC
# only when an endpoint is given. The SDK reads its other standard OTEL_* variables itself
# (OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_BSP_SCHEDULE_DELAY...): docs/observability.md.
OTEL_EXPORTER_OTLP_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_ENDPOINT", default="")
OTEL_SDK_DISABLED = env.bool("OTEL_SDK_DISABLED", default=False)

# Cart (cart/stores.py): a cart not written to for this long is forgotten (Redis EXPIRE; the
# embedded store hides it at once and the daily task deletes it).
CART_IDLE_SECONDS = env.int("CART_IDLE_SECONDS", default=30 * 24 * 3600)
CELERY_BEAT_SCHEDULE["cart-purge-idle"] = {"task": "cart.tasks.purge_idle_carts", "schedule": 86400}
if REDIS_URL:
    # Each error the default cache ignores is counted, not logged (shop/cache_settings.py).
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = count_ignored_errors(LOGGING)

# Payments: the processor that moves the money (a name in payments.gateways.GATEWAYS), and how
# long a request waits for an earlier one with the same Idempotency-Key before answering 409 with
# Retry-After (a request thread is not held for long by a retry storm).
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="simulated")
PAYMENT_IDEMPOTENCY_WAIT_SECONDS = env.float("PAYMENT_IDEMPOTENCY_WAIT_SECONDS", default=2.0)

# The catalog's trigram search indexes need PostgreSQL's index-expression support registered
# (OpClass); on SQLite the app does nothing.
INSTALLED_APPS.append("django.contrib.postgres")

# Currency: exchange rates refreshed from a feed in the ECB's eurofxref-daily.xml format.
CURRENCY_FEED_URL = env.str(
    "CURRENCY_FEED_URL", default="https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
)
CELERY_BEAT_SCHEDULE["currency-rates-refresh"] = {
    "task": "currency.tasks.rates_refresh",
    # The ECB publishes once a working day around 16:00 CET; every 4 hours picks it up soon.
    "schedule": env.float("CURRENCY_REFRESH_SECONDS", default=4 * 60 * 60),
}

# Checkout and notifications (see docs/checkout-notifications.md).
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
EMAIL_RETRY_BASE_SECONDS = env.float("EMAIL_RETRY_BASE_SECONDS", default=30.0)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The one currency the sales dashboard adds every order's revenue up in (converted through the
# currency service at today's rates).
REPORTING_CURRENCY = env.str("REPORTING_CURRENCY", default="USD")
# Beat's backstop sweeps (docs/reliability.md) run every SWEEP_INTERVAL_SECONDS and queue again the
# work whose task was lost (a worker killed mid-task, a process gone before the broker came back):
# a paid order whose post-order work is unfinished after SWEEP_AFTER_SECONDS, an e-mail unsent after
# twice that (its own retries come first), an order still pending after three times that (its own
# recovery task comes first, a minute after its checkout). The work is idempotent: a sweep that
# queues it twice costs a task, never a second e-mail.
SWEEP_INTERVAL_SECONDS = env.float("SWEEP_INTERVAL_SECONDS", default=300.0)
SWEEP_AFTER_SECONDS = env.float("SWEEP_AFTER_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE["checkout-orders-sweep"] = {
    "task": "checkout.tasks.orders_sweep",
    "schedule": SWEEP_INTERVAL_SECONDS,
}
CELERY_BEAT_SCHEDULE["notifications-requeue-stale"] = {
    "task": "notifications.tasks.emails_requeue_stale",
    "schedule": SWEEP_INTERVAL_SECONDS,
}

# Ads and recommendations (docs/ads-recommendations.md): optional services on a page get a short
# deadline and a circuit breaker; counters and the recommendation table are kept by Celery beat.
OPTIONAL_SERVICE_DEADLINE_SECONDS = env.float("OPTIONAL_SERVICE_DEADLINE_SECONDS", default=0.1)
CIRCUIT_BREAKER_FAILURES = env.int("CIRCUIT_BREAKER_FAILURES", default=5)
CIRCUIT_BREAKER_COOLDOWN_SECONDS = env.float("CIRCUIT_BREAKER_COOLDOWN_SECONDS", default=30.0)
CELERY_BEAT_SCHEDULE["ads-counters-flush"] = {"task": "ads.tasks.counters_flush", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["recommendations-rebuild"] = {
    "task": "recommendations.tasks.rebuild",
    "schedule": 600.0,
}

# With Celery eager (no worker) a rebuild after orders runs in the checkout request: at most one
# per this many seconds (docs/ads-recommendations.md).
RECOMMENDATIONS_EAGER_REBUILD_SECONDS = env.int(
    "RECOMMENDATIONS_EAGER_REBUILD_SECONDS", default=600
)
