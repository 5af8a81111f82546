"""`make stack`: the shop as microservices on one machine (`python -m stack`).

PostgreSQL and Redis of its own in a folder kept between runs (`.stack/`), each of the nine
services in its own `grpcserve` process on its own port, the web (gunicorn), a Celery worker and
beat, wired by the *_SERVICE_ADDR variables exactly as in Kubernetes. README, "make stack".
"""
