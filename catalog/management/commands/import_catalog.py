"""`manage.py import_catalog FILE.json`: imports the original's products.json shape."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.services import CatalogImportInvalid, catalog_import, catalog_import_parse


class Command(BaseCommand):
    help = (
        'Import products from a JSON file shaped {"products": [{"id", "name", "description", '
        '"picture", "priceUsd": {"currencyCode", "units", "nanos"}, "categories"}]}. '
        "All or nothing: existing ids are updated, new ones created, any bad row aborts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        try:
            document = json.loads(file.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{file} is not valid JSON: {error}.") from error
        try:
            products = catalog_import_parse(document)
        except CatalogImportInvalid as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(error.message) from error
        with tqdm(total=len(products), unit="product", disable=options["verbosity"] == 0) as bar:
            result = catalog_import(products=products, on_batch=bar.update)
        self.stdout.write(f"products: {result.created} created, {result.updated} updated")
