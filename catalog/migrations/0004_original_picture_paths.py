"""Demo pictures move to the original's path scheme (/static/img/products/<name>.jpg), which an
original frontend serves from its own files and our storefront serves with our illustrations.
Only pictures that are exactly one of the old demo paths change."""

from django.db import migrations

from catalog.services import DEMO_PICTURE_NAMES


def _old(product_id: str) -> str:
    return f"/static/catalog/products/{product_id}.svg"


def _new(product_id: str) -> str:
    return f"/static/img/products/{DEMO_PICTURE_NAMES[product_id]}.jpg"


def _rewrite(apps, pairs) -> None:
    Product = apps.get_model("catalog", "Product")
    for before, after in pairs:
        Product.objects.filter(picture=before).update(picture=after)


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, [(_old(pid), _new(pid)) for pid in DEMO_PICTURE_NAMES])


def backwards(apps, schema_editor) -> None:
    _rewrite(apps, [(_new(pid), _old(pid)) for pid in DEMO_PICTURE_NAMES])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_product_image")]

    operations = [migrations.RunPython(forwards, backwards)]
