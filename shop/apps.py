from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = "Shop (storefront and shared kernel)"

    def ready(self) -> None:
        from shop import pagecache
        from shop.celery import app as celery_app

        pagecache.connect_signals()
        # Registers every app's tasks.py in every process (web, grpcserve, shell), not only in
        # workers, so a task queued by name (checkout -> recommendations) finds its task here:
        # it then runs eagerly in the embedded shop instead of going to a broker that is absent.
        celery_app.autodiscover_tasks(force=True)
