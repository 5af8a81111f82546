from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop (project configuration and shared kernel)"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from shop import tasks
        from shop.cache_closing import skip_closing_caches_that_stay_open
        from shop.celery import app as celery_app
        from shop.observability.requestid import connect_celery_signals

        # Registers every app's tasks.py in every process (web, grpcserve, shell), not only in
        # workers, so a task queued by name (checkout -> recommendations) finds its task here:
        # it then runs eagerly in the embedded shop instead of going to a broker that is absent.
        celery_app.autodiscover_tasks(force=True)
        # Every process queues or runs tasks: the request id travels with them.
        connect_celery_signals()
        skip_closing_caches_that_stay_open()
        # Tasks queued for after a response (shop.tasks.enqueue_after_response).
        request_started.connect(tasks.request_started, dispatch_uid="tasks_after_response")
        request_finished.connect(tasks.request_finished, dispatch_uid="tasks_after_response")
