"""`manage.py seed_catalog --products N`: adds N generated products, for scale tests."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.services import catalog_seed


class Command(BaseCommand):
    help = "Add N generated products (names, descriptions, prices, categories) for scale tests."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--products", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, help="make the generated products reproducible")

    def handle(self, *args, products: int, seed: int | None, **options) -> None:
        if products < 1:
            raise CommandError(f"--products must be 1 or more, not {products}.")
        with tqdm(total=products, unit="product", disable=options["verbosity"] == 0) as bar:
            added = catalog_seed(count=products, seed=seed, on_batch=bar.update)
        self.stdout.write(f"products: {added} added")
