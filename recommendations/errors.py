"""The recommendation service's own errors, importable without the ORM: the client imports them, so
a process that only calls the recommendation service remotely still raises the error a local
call raises."""

from shop.errors import InvalidArgument


class InvalidPurchase(InvalidArgument):
    code = "invalid_purchase"


class InvalidProductIds(InvalidArgument):
    code = "invalid_product_ids"
