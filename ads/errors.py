"""The ad service's own errors, importable without the ORM: the gRPC client raises them too, so
a process that only calls the ad service remotely gets the same error a local call raises."""

from shop.errors import InvalidArgument, NotFound


class InvalidContextKeys(InvalidArgument):
    code = "invalid_context_keys"


class AdNotFound(NotFound):
    code = "ad_not_found"

    def __init__(self, ad_id: int):
        super().__init__(f"There is no ad with id {ad_id}.")
