import factory

from ads.models import Ad


class AdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ad

    name = factory.Sequence(lambda n: f"ad {n}")
    text = factory.Sequence(lambda n: f"Buy thing {n}")
    target = "/cart"
    context_keys = ""
    weight = 1
