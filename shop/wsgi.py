import os

from django.core.wsgi import get_wsgi_application

from shop.import_guards import TEST_ONLY_OPTIONAL_IMPORTS, deferred, hidden
from shop.observability.service import service_name
from shop.observability.tracing import setup_tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
# Before the handler loads the middleware: Django's instrumentation adds one.
setup_tracing(service_name())
# Loading the apps and the middleware imports DRF and drf-spectacular, which would import the
# test tools where installed and DRF's test module (django.test, unittest, jinja2), which only
# schema generation calls (shop/import_guards.py).
with hidden(*TEST_ONLY_OPTIONAL_IMPORTS), deferred("rest_framework.test"):
    application = get_wsgi_application()
