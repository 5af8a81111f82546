"""The cart service's own errors, importable without the ORM: the client imports them, so a process
that only calls the cart service remotely still raises the error a local call raises."""

from shop.errors import InvalidArgument, NotFound, PreconditionFailed, ServiceUnavailable


class InvalidCartId(InvalidArgument):
    code = "cart_invalid_id"


class CartLineLimit(PreconditionFailed):
    code = "cart_line_limit"


class CartNotFound(NotFound):
    code = "cart_not_found"

    def __init__(self):
        super().__init__("There is no such cart; it may have expired after a long idle time.")


class CartUnavailable(ServiceUnavailable):
    code = "cart_unavailable"
    default_message = (
        "The cart is temporarily unavailable. Nothing in it is lost; please try again in a moment."
    )


class InvalidQuantity(InvalidArgument):
    code = "cart_invalid_quantity"

    def __init__(self, message: str):
        super().__init__(message, fields={"quantity": [message]})
