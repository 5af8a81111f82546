"""The catalog's own errors, importable without the ORM: the gRPC client raises them too, so a
process that only calls the catalog remotely gets the same error a local call raises."""

from shop.errors import NotFound


class ProductNotFound(NotFound):
    code = "product_not_found"

    def __init__(self, product_id: str):
        super().__init__(f"There is no product with id {product_id!r} in the shop.")
