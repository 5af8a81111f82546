"""gunicorn reads this file from its working directory (the repository root, or /app in the
image): its own lines go through the shop's logging (settings.LOGGING, JSON by default). It
keeps no access log: the shop's middleware logs each request with its route instead of its raw
path, and never the query string, where order access tokens travel."""

import logging

from shop.settings import LOGGING

logconfig_dict = LOGGING
logging.captureWarnings(True)
accesslog = None
