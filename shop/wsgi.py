import os

from django.core.wsgi import get_wsgi_application

from shop.observability.service import service_name
from shop.observability.tracing import setup_tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
# Before the handler loads the middleware: Django's instrumentation adds one.
setup_tracing(service_name())
application = get_wsgi_application()
