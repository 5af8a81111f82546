"""The one shipping rate row, with the original's flat 8.99 USD, so staff find it to edit."""

from decimal import Decimal

from django.db import migrations


def create_default_rate(apps, schema_editor):
    apps.get_model("shipping", "ShippingRate").objects.get_or_create(
        id=1, defaults={"flat_rate": Decimal("8.99")}
    )


class Migration(migrations.Migration):
    dependencies = [("shipping", "0001_initial")]

    operations = [migrations.RunPython(create_default_rate, migrations.RunPython.noop)]
