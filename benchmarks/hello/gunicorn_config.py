"""gunicorn settings of the hello project: no access log, like the shop's gunicorn.conf.py
(whose logging configuration needs the shop's settings)."""

accesslog = None
