"""`manage.py sales_rebuild`: recounts the sales ledger (checkout/sales.py) from the orders, after
orders were written to the database other than through checkout (a bulk import, a restore of the
orders table alone). Safe at any time: one transaction replaces the whole ledger."""

from django.core.management.base import BaseCommand

from checkout.sales import sales_rebuild


class Command(BaseCommand):
    help = "Recount the sales dashboard's per-day figures from the orders."

    def handle(self, *args, **options):
        sales_rebuild()
        self.stdout.write("Sales ledger rebuilt from the orders.")
