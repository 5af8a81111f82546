import os

from shop.import_guards import TEST_ONLY_OPTIONAL_IMPORTS, deferred, hidden, imported_when_used

# Django's base database operations import sqlparse to split SQL scripts (migrations; PostgreSQL's
# never split them), and its request logging Django's e-mail (with Python's e-mail header parser)
# for the admins' error mails, which the shop's logging does not send; the shop sends its own
# from the Celery worker: a web worker loads each only if it uses it (shop/import_guards.py).
with imported_when_used("sqlparse"), deferred("django.core.mail"):
    from django.core.wsgi import get_wsgi_application

    from shop.observability.service import service_name
    from shop.observability.tracing import setup_tracing

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    # Before the handler loads the middleware: Django's instrumentation adds one.
    setup_tracing(service_name())
    # Loading the apps and the middleware imports DRF and drf-spectacular, which would import the
    # test tools where installed, DRF's test module (django.test, unittest, jinja2), which only
    # schema generation calls, and PyYAML, which only DRF's own OpenAPI renderer uses (the shop's
    # schema is drf-spectacular's, whose YAML renderer imports it with the schema view).
    with hidden(*TEST_ONLY_OPTIONAL_IMPORTS, "yaml"), deferred("rest_framework.test"):
        application = get_wsgi_application()
