from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    # manage.py load_demo runs the apps' load_demo by stage: recommendations are built from the
    # products (and orders) already there, so they come last.
    demo_stage = 3

    def load_demo(self) -> list[tuple[str, int]]:
        from .services import recommendations_rebuild

        # The neighbours of the demo products, so recommendations show at once.
        return [("recommendation rows", recommendations_rebuild())]
